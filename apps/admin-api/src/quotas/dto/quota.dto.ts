import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { QUOTA_PERIODS, QUOTA_SCOPES, QuotaPeriod, QuotaScope } from '@app/usage';

const toDecimalString = ({ value }: { value: unknown }) =>
  typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 12 }) : value;

export class PutQuotaDto {
  @ApiProperty({ enum: QUOTA_SCOPES }) @IsIn(QUOTA_SCOPES) scope: QuotaScope;
  @ApiProperty({ format: 'uuid' }) @IsUUID() subjectId: string;
  @ApiProperty({ enum: QUOTA_PERIODS, description: 'in APP_TIMEZONE; weeks start on Monday' }) @IsIn(QUOTA_PERIODS) period: QuotaPeriod;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) maxTokens?: number | null;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) maxRequests?: number | null;
  @ApiPropertyOptional({ nullable: true, description: 'decimal, in the models’ currency' })
  @IsOptional()
  @Transform(toDecimalString)
  @Matches(/^\d{1,12}(\.\d{1,12})?$/, { message: 'maxCost must be a non-negative decimal' })
  maxCost?: string | null;
}

export class QuotaQueryDto {
  @ApiPropertyOptional({ enum: QUOTA_SCOPES }) @IsOptional() @IsIn(QUOTA_SCOPES) scope?: QuotaScope;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() subjectId?: string;
}

export class QuotaStatusQueryDto {
  @ApiProperty({ enum: QUOTA_SCOPES }) @IsIn(QUOTA_SCOPES) scope: QuotaScope;
  @ApiProperty({ format: 'uuid' }) @IsUUID() subjectId: string;
}
