import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/core';
import { formatDecimal, parseDecimal } from '../pricing/decimal';
import { max0 } from './quota-amounts';
import { QuotaLeaseStore } from './quota-lease-store';
import { periodBounds } from './quota-period';
import type { QuotaPeriod, QuotaScope } from './quota.entity';

export interface QuotaStatus {
  quotaId: string;
  scope: QuotaScope;
  subjectId: string;
  period: QuotaPeriod;
  periodStart: string;
  resetsAt: string;
  limit: { tokens: string | null; requests: string | null; cost: string | null };
  used: { tokens: string; requests: string; cost: string };
  remaining: { tokens: string | null; requests: string | null; cost: string | null };
}

/**
 * Read-only quota status for the admin API: per quota of a subject, committed usage in the
 * current period (APP_TIMEZONE), the limit, what remains and when it resets. No leases, no timers,
 * no change feed: answering a GET starts nothing.
 */
@Injectable()
export class QuotaStatusService {
  private readonly store: QuotaLeaseStore;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    this.store = new QuotaLeaseStore(dataSource);
  }

  async status(scope: QuotaScope, subjectId: string, now = new Date()): Promise<QuotaStatus[]> {
    const rows = await this.store.quotasOf(scope, subjectId);
    return Promise.all(
      rows.map(async (row) => {
        const { start, end } = periodBounds(row.period, now, this.config.timezone);
        const used = await this.store.committedUsage(row.id, start);
        const usedCost = formatDecimal(parseDecimal(used.cost));
        const remaining = (limit: string | null, spent: string) => (limit === null ? null : formatDecimal(max0(parseDecimal(limit) - parseDecimal(spent))));
        return {
          quotaId: row.id,
          scope: row.scope,
          subjectId: row.subject_id,
          period: row.period,
          periodStart: start.toISOString(),
          resetsAt: end.toISOString(),
          limit: { tokens: row.max_tokens, requests: row.max_requests, cost: row.max_cost === null ? null : formatDecimal(parseDecimal(row.max_cost)) },
          used: { tokens: used.tokens, requests: used.requests, cost: usedCost },
          remaining: {
            tokens: remaining(row.max_tokens, used.tokens),
            requests: remaining(row.max_requests, used.requests),
            cost: remaining(row.max_cost, usedCost),
          },
        };
      }),
    );
  }
}
