import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength, MinLength } from 'class-validator';
import type { Department } from '@app/core';
import { IsOptionalModelNameList } from '../../common/model-name-list.decorator';
import { PageQueryDto } from '../../common/page-query.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateDepartmentDto {
  @ApiProperty({ example: '研发部' }) @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name: string;

  @ApiPropertyOptional({ type: [String], nullable: true, description: 'model names this department may use; null (the default): every model' })
  @IsOptionalModelNameList()
  allowedModels?: string[] | null;
}

export class UpdateDepartmentDto extends PartialType(CreateDepartmentDto) {}

export class ListDepartmentsQueryDto extends PageQueryDto {}

export class DepartmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String], nullable: true, description: 'null: every model' }) allowedModels: string[] | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static from(department: Department): DepartmentDto {
    return {
      id: department.id,
      name: department.name,
      allowedModels: department.allowedModels,
      createdAt: department.createdAt.toISOString(),
      updatedAt: department.updatedAt.toISOString(),
    };
  }
}
