import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsString, MaxLength } from 'class-validator';
import type { ApiKey } from '@app/core';

export class CreateApiKeyDto {
  @ApiPropertyOptional({ example: 'laptop' }) @IsOptional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsDateString() expiresAt?: string;
}

export class ApiKeyDto {
  @ApiProperty() id: string;
  @ApiProperty() userId: string;
  @ApiProperty({ nullable: true }) name: string | null;
  @ApiProperty({ description: 'first characters, for recognising the key' }) prefix: string;
  @ApiProperty({ nullable: true }) expiresAt: string | null;
  @ApiProperty({ nullable: true }) revokedAt: string | null;
  @ApiProperty() createdAt: string;

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

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'the key itself: shown this once, never again' }) key: string;
}
