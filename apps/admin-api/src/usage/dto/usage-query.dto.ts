import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';
import { SUMMARY_DIMENSIONS, SUMMARY_RANGES, SummaryDimension, SummaryRange } from '../usage-summary.service';

export const SUMMARY_DEFAULT_LIMIT = 100;
const SUMMARY_MAX_LIMIT = 1000;

export class UsageEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsDateString() from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsDateString() to?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() userId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() departmentId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) model?: string;
}

export class UsageSummaryQueryDto {
  @ApiPropertyOptional({ enum: SUMMARY_RANGES, default: 'today' }) @IsOptional() @IsIn(SUMMARY_RANGES) range?: SummaryRange;
  @ApiPropertyOptional({ enum: SUMMARY_DIMENSIONS }) @IsOptional() @IsIn(SUMMARY_DIMENSIONS) groupBy?: SummaryDimension;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() departmentId?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: SUMMARY_MAX_LIMIT, default: SUMMARY_DEFAULT_LIMIT, description: 'rows at most, largest first' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(SUMMARY_MAX_LIMIT)
  limit?: number;
}

export class MyUsageQueryDto {
  @ApiPropertyOptional({ enum: SUMMARY_RANGES, default: 'today' }) @IsOptional() @IsIn(SUMMARY_RANGES) range?: SummaryRange;
}
