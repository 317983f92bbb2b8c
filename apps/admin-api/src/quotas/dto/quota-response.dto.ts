import { ApiProperty } from '@nestjs/swagger';
import { QUOTA_PERIODS, QUOTA_SCOPES, QuotaPeriod, QuotaScope } from '@app/usage';

/** A quota definition as the API shows it: limits as decimal strings (exact, whatever their size). */
export class QuotaDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: QUOTA_SCOPES }) scope: QuotaScope;
  @ApiProperty({ format: 'uuid', description: 'the user or department' }) subjectId: string;
  @ApiProperty({ enum: QUOTA_PERIODS }) period: QuotaPeriod;
  @ApiProperty({ type: String, nullable: true, example: '1000000' }) maxTokens: string | null;
  @ApiProperty({ type: String, nullable: true, example: '500' }) maxRequests: string | null;
  @ApiProperty({ type: String, nullable: true, example: '12.5', description: 'in the models’ currency' }) maxCost: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

/** Tokens, requests and cost of one quota (decimal strings; null: not limited). */
export class QuotaAmountsDto {
  @ApiProperty({ type: String, nullable: true }) tokens: string | null;
  @ApiProperty({ type: String, nullable: true }) requests: string | null;
  @ApiProperty({ type: String, nullable: true }) cost: string | null;
}

/** Where one quota stands in its current period. */
export class QuotaStatusDto {
  @ApiProperty({ format: 'uuid' }) quotaId: string;
  @ApiProperty({ enum: QUOTA_SCOPES }) scope: QuotaScope;
  @ApiProperty({ format: 'uuid' }) subjectId: string;
  @ApiProperty({ enum: QUOTA_PERIODS }) period: QuotaPeriod;
  @ApiProperty({ format: 'date-time', description: 'start of the current period, in APP_TIMEZONE' }) periodStart: string;
  @ApiProperty({ format: 'date-time', description: 'when the current period ends and the quota resets' }) resetsAt: string;
  @ApiProperty({ type: QuotaAmountsDto }) limit: QuotaAmountsDto;
  @ApiProperty({ type: QuotaAmountsDto, description: 'tokens, requests and cost used (nothing null)' }) used: QuotaAmountsDto;
  @ApiProperty({ type: QuotaAmountsDto, description: 'what is left of each limit (null: not limited)' }) remaining: QuotaAmountsDto;
}

export class QuotaStatusListDto {
  @ApiProperty({ type: [QuotaStatusDto] }) items: QuotaStatusDto[];
}
