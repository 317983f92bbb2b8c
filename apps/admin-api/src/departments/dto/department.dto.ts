import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { Department } from '@app/core';

export class CreateDepartmentDto {
  @ApiProperty({ example: '研发部' }) @IsString() @MinLength(1) @MaxLength(200) name: string;

  @ApiPropertyOptional({ type: [String], nullable: true, description: 'null: every model' })
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true })
  allowedModels?: string[] | null;
}

export class UpdateDepartmentDto extends PartialType(CreateDepartmentDto) {}

export class DepartmentDto {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String], nullable: true }) allowedModels: string[] | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

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
