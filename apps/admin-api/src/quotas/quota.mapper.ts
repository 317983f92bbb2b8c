import { formatDecimal, parseDecimal, Quota } from '@app/usage';
import type { QuotaDto } from './dto/quota-response.dto';

/** A quota definition for the API (and the audit log's before/after). */
export function toQuotaDto(quota: Quota): QuotaDto {
  return {
    id: quota.id,
    scope: quota.scope,
    subjectId: quota.subjectId,
    period: quota.period,
    maxTokens: quota.maxTokens,
    maxRequests: quota.maxRequests,
    maxCost: quota.maxCost === null ? null : formatDecimal(parseDecimal(quota.maxCost)),
    createdAt: quota.createdAt.toISOString(),
    updatedAt: quota.updatedAt.toISOString(),
  };
}
