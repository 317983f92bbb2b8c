import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { ACCOUNT_STATUSES, AccountStatus } from '@app/core';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const LIMIT_GROUP = /^[A-Za-z0-9._:-]{1,100}$/;
const OPTIONS_DOC =
  'by kind — chatgpt-codex: accessToken, refreshToken, chatgptAccountId (write-only), refresh, authBaseUrl, clientId; other kinds: none. On PATCH, null removes one.';

export class CreateProviderAccountDto {
  @ApiProperty({ example: 'workspace-a' }) @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiPropertyOptional({ writeOnly: true, description: 'stored encrypted; never returned' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  apiKey?: string;
  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 1000, description: 'share of calls, relative to the other accounts' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  weight?: number;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ nullable: true, description: 'accounts sharing one provider-side limit: a 429 cools them all' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @Matches(LIMIT_GROUP, { message: '$property must be 1-100 letters, digits or ._:-' })
  limitGroup?: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: OPTIONS_DOC }) @IsOptional() @IsObject() options?: Record<string, unknown>;
}

export class UpdateProviderAccountDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ writeOnly: true, description: 'replaces the stored key; clears an `auth` status' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  apiKey?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 1000 }) @IsOptional() @IsInt() @Min(1) @Max(1000) weight?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @Matches(LIMIT_GROUP, { message: '$property must be 1-100 letters, digits or ._:-' })
  limitGroup?: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: `merged into the stored options; ${OPTIONS_DOC}` })
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
}

export class ProviderAccountDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) providerId: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'the API key is write-only; this says one is stored' }) hasApiKey: boolean;
  @ApiProperty({ type: [String], description: 'names of the credential options that are set (their values are write-only)' }) secretOptions: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the non-secret options' }) options: Record<string, unknown>;
  @ApiProperty() weight: number;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ nullable: true, type: String }) limitGroup: string | null;
  @ApiProperty({ enum: ACCOUNT_STATUSES, description: 'ok | cooling (until coolingUntil) | auth (credentials refused, until edited) | disabled | deactivated' })
  status: AccountStatus;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) coolingUntil: string | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastErrorAt: string | null;
  @ApiProperty({ description: 'attempts that failed on this account (retried elsewhere or answered as errors); never billed' }) failedAttempts: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
