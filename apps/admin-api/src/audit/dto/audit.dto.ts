import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { AuditLogEntry } from '@app/core';
import { PageQueryDto } from '../../common/page-query.dto';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'user' }) @IsOptional() @IsString() @MaxLength(100) entityType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) entityId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() actorId?: string;
  @ApiPropertyOptional({ example: 'user.create' }) @IsOptional() @IsString() @MaxLength(100) action?: string;
}

export class AuditEntryDto {
  @ApiProperty() id: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, format: 'uuid', description: 'null: the system (start-up bootstrap, CLI)' }) actorId: string | null;
  @ApiProperty({ nullable: true }) actorEmail: string | null;
  @ApiProperty({ example: 'user.update' }) action: string;
  @ApiProperty({ example: 'user' }) entityType: string;
  @ApiProperty({ nullable: true }) entityId: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'secrets and hashes removed' }) before: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'secrets and hashes removed' }) after: Record<string, unknown> | null;

  static from(entry: AuditLogEntry): AuditEntryDto {
    return {
      id: entry.id,
      createdAt: entry.createdAt.toISOString(),
      actorId: entry.actorId,
      actorEmail: entry.actorEmail,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      before: entry.before,
      after: entry.after,
    };
  }
}
