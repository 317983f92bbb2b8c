import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { SUMMARY_DIMENSIONS, SUMMARY_RANGES, SummaryDimension, SummaryRange } from '../usage-summary.service';

const TIMESERIES_BUCKETS = ['hour', 'day'] as const;
export type TimeseriesBucket = (typeof TIMESERIES_BUCKETS)[number];
/** What a developer may split their own usage by. */
const MY_TIMESERIES_DIMENSIONS = ['model', 'provider'] as const;
export const TIMESERIES_DEFAULT_SERIES = 8;
const TIMESERIES_MAX_SERIES = 20;

/** The window (`range`, or `from`/`to`), the bucket size and how many series at most. */
class TimeseriesWindowDto {
  @ApiPropertyOptional({ enum: SUMMARY_RANGES, default: '7d', description: 'ignored when `from` is given' })
  @IsOptional()
  @IsIn(SUMMARY_RANGES)
  range?: SummaryRange;
  @ApiPropertyOptional({ format: 'date-time', description: 'start of a custom window (instead of `range`)' }) @IsOptional() @IsDateString() from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'end of a custom window (exclusive; default now)' }) @IsOptional() @IsDateString() to?: string;
  @ApiPropertyOptional({ enum: TIMESERIES_BUCKETS, description: 'default: hours for windows up to a day (and the ranges today, 1h, 5h, 24h), days beyond' })
  @IsOptional()
  @IsIn(TIMESERIES_BUCKETS)
  bucket?: TimeseriesBucket;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: TIMESERIES_MAX_SERIES,
    default: TIMESERIES_DEFAULT_SERIES,
    description: 'series at most; the rest is summed as one `other` series',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(TIMESERIES_MAX_SERIES)
  limit?: number;
}

/** One's own usage over time (`/api/me/usage/timeseries`), split by model or provider if asked. */
export class MyTimeseriesQueryDto extends TimeseriesWindowDto {
  @ApiPropertyOptional({ enum: MY_TIMESERIES_DIMENSIONS, description: 'one series per value, largest first' })
  @IsOptional()
  @IsIn(MY_TIMESERIES_DIMENSIONS)
  groupBy?: SummaryDimension;
}

/** Usage over time for readers of usage (admin, finance; team leads: their own department whatever they ask). */
export class UsageTimeseriesQueryDto extends TimeseriesWindowDto {
  @ApiPropertyOptional({ enum: SUMMARY_DIMENSIONS, description: 'one series per value, largest first' })
  @IsOptional()
  @IsIn(SUMMARY_DIMENSIONS)
  groupBy?: SummaryDimension;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() departmentId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() userId?: string;
}

/** Cost in one currency (currencies are never added together). */
class CurrencyCostDto {
  @ApiProperty({ type: String, nullable: true, example: 'CNY' }) currency: string | null;
  @ApiProperty({ example: '1.25', description: 'exact decimal string' }) cost: string;
}

/** Figures of a bucket, or of a whole series. */
class TimeseriesFiguresDto {
  @ApiProperty({ type: 'integer' }) requests: number;
  @ApiProperty({ type: 'integer' }) failedRequests: number;
  @ApiProperty({ type: 'integer' }) totalTokens: number;
  @ApiProperty({ type: [CurrencyCostDto], description: 'one entry per currency used; empty when nothing was spent' }) costs: CurrencyCostDto[];
}

export class TimeseriesPointDto extends TimeseriesFiguresDto {
  @ApiProperty({ format: 'date-time', description: 'start of the bucket, in APP_TIMEZONE' }) bucket: string;
}

/** One group's usage over the axis: a value every bucket (zeros where it was quiet). */
export class TimeseriesSeriesDto extends TimeseriesFiguresDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the group value (department, user, provider or account id; model name); null: none (or no groupBy, or `other`)',
  })
  key: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'readable: department, user, provider or account name, model name; null with `key` null' })
  label: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'groupBy=user: the email; groupBy=account: the provider' }) detail?: string | null;
  @ApiProperty({ description: 'true for the sum of the groups beyond `limit`' }) other: boolean;
  @ApiProperty({ type: 'integer', description: 'how many groups this series stands for (more than 1 only for `other`)' }) groups: number;
  @ApiProperty({ type: [TimeseriesPointDto], description: 'one per bucket of the axis, oldest first' }) points: TimeseriesPointDto[];
}

export class UsageTimeseriesDto {
  @ApiProperty({ enum: SUMMARY_RANGES, nullable: true, description: 'null for a custom from/to window' }) range: SummaryRange | null;
  @ApiProperty({ enum: TIMESERIES_BUCKETS }) unit: TimeseriesBucket;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ enum: SUMMARY_DIMENSIONS, nullable: true }) groupBy: SummaryDimension | null;
  @ApiProperty({ type: [String], description: 'the continuous axis: every bucket start from the one holding `from` to the one holding `to`, in APP_TIMEZONE' })
  buckets: string[];
  @ApiProperty({ type: 'integer', description: 'groups with usage in the window (series beyond `limit` are folded into `other`)' }) groups: number;
  @ApiProperty({ type: [TimeseriesSeriesDto], description: 'largest first (by tokens, then requests), `other` last; one series without groupBy' })
  series: TimeseriesSeriesDto[];
}
