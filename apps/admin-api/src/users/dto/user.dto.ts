import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { Role, ROLES, User } from '@app/core';
import { IsStrongPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../auth/password-policy';
import { IsOptionalModelNameList } from '../../common/model-name-list.decorator';
import { PageQueryDto } from '../../common/page-query.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lowerTrim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const queryBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** A password set by someone else: optional, and as strong as any password must be. */
const OptionalNewPassword = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH, format: 'password', description }),
    IsOptional(),
    IsString(),
    IsStrongPassword(),
  );

const ALLOWED_MODELS_DOC = "narrows the department's list; null (the default): whatever the department allows";

export class CreateUserDto {
  @ApiProperty({ example: 'dev@example.com' }) @Transform(lowerTrim) @IsEmail() @MaxLength(320) email: string;
  @ApiProperty({ example: 'Li Lei' }) @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'required for developers and team leads' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUUID()
  departmentId?: string | null;
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role: Role;
  @OptionalNewPassword('omit for a user who only uses API keys; at least 12 characters and hard to guess (zxcvbn score ≥ 3)')
  password?: string;
  @ApiPropertyOptional({ type: [String], nullable: true, description: ALLOWED_MODELS_DOC })
  @IsOptionalModelNameList()
  allowedModels?: string[] | null;
}

export class UpdateUserDto extends PartialType(OmitType(CreateUserDto, ['password'] as const)) {
  @OptionalNewPassword('sets another user’s password (the user’s sessions end); one’s own changes only through POST /api/auth/password')
  password?: string;
  @ApiPropertyOptional({ description: 'false deactivates (as DELETE does), true reactivates' }) @IsOptional() @IsBoolean() active?: boolean;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() departmentId?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: Role;
  @ApiPropertyOptional({ description: 'true: active only; false: deactivated only; omitted: both' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  active?: boolean;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ format: 'uuid', nullable: true }) departmentId: string | null;
  @ApiProperty({ type: [String], nullable: true, description: ALLOWED_MODELS_DOC }) allowedModels: string[] | null;
  @ApiProperty() active: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static from(user: User): UserDto {
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      departmentId: user.departmentId,
      allowedModels: user.allowedModels,
      active: user.active,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
    };
  }
}

export class MeDepartmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String], nullable: true, description: 'null: every model' }) allowedModels: string[] | null;
}

/** `GET /api/me`: the caller, their department and what their role may do. */
export class MeDto extends UserDto {
  @ApiProperty({ nullable: true, description: 'the department’s name' }) departmentName: string | null;
  @ApiProperty({ type: MeDepartmentDto, nullable: true }) department: MeDepartmentDto | null;
  @ApiProperty({ type: [String], description: 'the permissions of the caller’s role (for UIs; the API checks them itself)' }) permissions: string[];
}
