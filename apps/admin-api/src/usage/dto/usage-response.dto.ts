import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SUMMARY_RANGES, SummaryRange } from '../usage-summary.service';

/** A usage event (CONTRACT "usage event"): one metered call, without the metering internals. */
export class UsageEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ format: 'uuid', nullable: true }) departmentId: string | null;
  @ApiProperty({ format: 'uuid' }) apiKeyId: string;
  @ApiProperty({ format: 'uuid', nullable: true }) providerId: string | null;
  @ApiProperty({ type: String, nullable: true }) model: string | null;
  @ApiProperty({ example: '/v1/chat/completions' }) endpoint: string;
  @ApiProperty() stream: boolean;
  @ApiProperty({ type: 'integer', description: 'HTTP status answered to the client' }) status: number;
  @ApiProperty({ type: 'integer' }) latencyMs: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'time to first token (streams)' }) ttftMs: number | null;
  @ApiProperty({ type: 'integer' }) promptTokens: number;
  @ApiProperty({ type: 'integer' }) completionTokens: number;
  @ApiProperty({ type: 'integer' }) cachedTokens: number;
  @ApiProperty({ type: 'integer', description: 'prompt tokens written to the provider’s cache' }) cacheWriteTokens: number;
  @ApiProperty({ type: 'integer' }) reasoningTokens: number;
  @ApiProperty({ type: 'integer' }) totalTokens: number;
  @ApiProperty({ example: '0.0012', description: 'exact decimal string' }) cost: string;
  @ApiProperty({ type: String, nullable: true, example: 'CNY' }) currency: string | null;
  @ApiProperty({ description: 'true when the provider reported no usage and tokens were counted locally' }) estimated: boolean;
  @ApiProperty({ type: String, nullable: true }) errorCode: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the upstream account that answered' }) accountId: string | null;
}

/** Figures every summary row and time-series point shares. */
class UsageFiguresDto {
  @ApiProperty({ type: 'integer' }) requests: number;
  @ApiProperty({ type: 'integer' }) failedRequests: number;
  @ApiProperty({ type: 'integer' }) totalTokens: number;
  @ApiProperty({ example: '1.25', description: 'exact decimal string' }) cost: string;
  @ApiProperty({ type: String, nullable: true }) currency: string | null;
}

/** One row of a summary: the group's keys (those of `groupBy`; none without it), then its figures. */
export class UsageSummaryRowDto extends UsageFiguresDto {
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'groupBy=department' }) departmentId?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'groupBy=department: its current name' }) department?: string | null;
  @ApiPropertyOptional({ format: 'uuid', description: 'groupBy=user' }) userId?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'groupBy=user: the email' }) user?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'groupBy=user: the name' }) userName?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'groupBy=model' }) model?: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'groupBy=provider' }) providerId?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'groupBy=provider: its name' }) provider?: string | null;
  @ApiProperty({ type: 'integer' }) promptTokens: number;
  @ApiProperty({ type: 'integer' }) completionTokens: number;
  @ApiProperty({ type: 'integer' }) cachedTokens: number;
  @ApiProperty({ type: 'integer' }) cacheWriteTokens: number;
  @ApiProperty({ type: 'integer' }) reasoningTokens: number;
}

export class UsageSummaryDto {
  @ApiProperty({ enum: SUMMARY_RANGES }) range: SummaryRange;
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({ type: [UsageSummaryRowDto], description: 'by total tokens, largest first; one row per group and currency' }) rows: UsageSummaryRowDto[];
}
