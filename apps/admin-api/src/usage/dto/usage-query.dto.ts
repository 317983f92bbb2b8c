import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto';
import { SUMMARY_DIMENSIONS, SUMMARY_RANGES, SummaryDimension, SummaryRange } from '../usage-summary.service';

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
  @ApiPropertyOptional({ minimum: 1, maximum: 1000 }) @IsOptional() @IsString() limit?: string;
}

export class MyUsageQueryDto {
  @ApiPropertyOptional({ enum: SUMMARY_RANGES, default: 'today' }) @IsOptional() @IsIn(SUMMARY_RANGES) range?: SummaryRange;
}
