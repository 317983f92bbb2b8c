import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsISO8601, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { ApiKey } from '@app/core';
import { PageQueryDto } from '../../common/page-query.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateApiKeyDto {
  @ApiPropertyOptional({ example: 'laptop' }) @IsOptional() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'omitted: never expires' }) @IsOptional() @IsISO8601({ strict: true }) expiresAt?: string;
}

export class ListApiKeysQueryDto extends PageQueryDto {}

/** A key as lists show it: never the key, never its hash. */
export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ nullable: true }) name: string | null;
  @ApiProperty({ example: 'tg_AbCd123', description: 'the first characters of the key, to recognise it' }) prefix: string;
  @ApiProperty({ format: 'date-time', nullable: true }) expiresAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) revokedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;

  static from(key: ApiKey): ApiKeyDto {
    return {
      id: key.id,
      userId: key.userId,
      name: key.name,
      prefix: key.prefix,
      expiresAt: key.expiresAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
      createdAt: key.createdAt.toISOString(),
    };
  }
}

/** The POST answer: the only time the key itself is ever shown. */
export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ example: 'tg_…', description: 'the key itself: shown this once, never again; only its SHA-256 is stored' }) key: string;
}
