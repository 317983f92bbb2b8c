import type { QuotaPeriod, QuotaScope } from './quota.entity';

export type QuotaDimension = 'tokens' | 'requests' | 'cost';

/** A call would exceed a quota; the gateway answers 429 with `Retry-After`. */
export class QuotaExceededError extends Error {
  constructor(
    readonly scope: QuotaScope,
    readonly period: QuotaPeriod,
    readonly dimension: QuotaDimension,
    readonly limit: string,
    readonly used: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`${scope} ${period} ${dimension === 'cost' ? 'cost' : dimension === 'tokens' ? 'token' : 'request'} quota exceeded: limit ${limit}, used ${used}`);
  }
}

/** The database is unreachable, a quota needs it, and the outage policy is `refuse` (503). */
export class QuotaUnavailableError extends Error {}
