import type { DataSource } from 'typeorm';
import type { SqlRunner } from '../metering/sql-runner';
import { formatDecimal, parseDecimal } from '../pricing/decimal';
import { Amounts, toAmounts } from './quota-amounts';
import type { LeaseMove, UsageRow } from './quota-admission';
import type { QuotaDefinition } from './quota-definitions';
import type { QuotaPeriod, QuotaScope } from './quota.entity';

/** A `quotas` row as the ledger and the status service read it (limits as text: exact). */
/** Amounts as PostgreSQL returns them (`::text`, exact). */
interface StoredAmounts {
  tokens: string;
  requests: string;
  cost: string;
}

export interface QuotaRow {
  id: string;
  scope: QuotaScope;
  subject_id: string;
  period: QuotaPeriod;
  max_tokens: string | null;
  max_requests: string | null;
  max_cost: string | null;
}

const QUOTA_COLUMNS = `id, scope, subject_id, period, max_tokens::text, max_requests::text, max_cost::text`;

function toDefinition(row: QuotaRow): QuotaDefinition {
  return {
    id: row.id,
    scope: row.scope,
    subjectId: row.subject_id,
    period: row.period,
    maxTokens: row.max_tokens === null ? null : BigInt(row.max_tokens),
    maxRequests: row.max_requests === null ? null : BigInt(row.max_requests),
    maxCost: row.max_cost === null ? null : parseDecimal(row.max_cost),
  };
}

/**
 * Every SQL statement of the quota ledger, behind intention-revealing methods: the definitions,
 * the lease acquisition transaction, the commit of metered usage from leases to `quota_usage`,
 * lease renewal and release, and the read-only status queries. Tables: `quotas`, `quota_usage`
 * (committed usage per quota and period) and `quota_leases` (capacity granted to a replica, not
 * yet committed), with used + Σ leases ≤ limit.
 */
export class QuotaLeaseStore {
  constructor(private readonly dataSource: DataSource) {}

  async definitions(): Promise<QuotaDefinition[]> {
    const rows: QuotaRow[] = await this.dataSource.query(`SELECT ${QUOTA_COLUMNS} FROM quotas`);
    return rows.map(toDefinition);
  }

  quotasOf(scope: QuotaScope, subjectId: string): Promise<QuotaRow[]> {
    return this.dataSource.query(`SELECT ${QUOTA_COLUMNS} FROM quotas WHERE scope = $1 AND subject_id = $2 ORDER BY period`, [scope, subjectId]);
  }

  /** Committed usage of one quota in the period starting at `periodStart` (zero when none). */
  async committedUsage(quotaId: string, periodStart: Date): Promise<StoredAmounts> {
    const [used] = await this.dataSource.query<[StoredAmounts?]>(
      `SELECT used_tokens::text AS tokens, used_requests::text AS requests, used_cost::text AS cost FROM quota_usage WHERE quota_id = $1 AND period_start = $2`,
      [quotaId, periodStart],
    );
    return used ?? { tokens: '0', requests: '0', cost: '0' };
  }

  /**
   * One short transaction under the usage row's lock: reads the committed usage (seeding it from
   * the rollups when the quota was defined mid-period) and the other replicas' live leases, lets
   * `decide` size this replica's grant from them, and stores the grant as this replica's lease.
   */
  async acquire(
    definition: QuotaDefinition,
    periodStart: Date,
    replicaId: string,
    ttlSeconds: number,
    decide: (committed: Amounts, otherLeases: Amounts) => Amounts,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO quota_usage (quota_id, period_start, used_tokens, used_requests, used_cost)
         SELECT $1, $2, coalesce(sum(total_tokens), 0), coalesce(sum(requests), 0), coalesce(sum(cost), 0)
         FROM usage_rollups
         WHERE $5 AND bucket_start >= $2 AND bucket_start < $6
           AND (($3 = 'user' AND user_id = $4::uuid) OR ($3 = 'department' AND department_id = $4::uuid))
         ON CONFLICT (quota_id, period_start) DO NOTHING`,
        // A quota defined mid-period starts from what its subject already used in that period
        // (rollups are quarter-hour buckets, so minute periods start from zero).
        [definition.id, periodStart, definition.scope, definition.subjectId, definition.period !== 'minute', new Date()],
      );
      const [used] = await manager.query<[StoredAmounts?]>(
        `SELECT used_tokens::text AS tokens, used_requests::text AS requests, used_cost::text AS cost
         FROM quota_usage WHERE quota_id = $1 AND period_start = $2 FOR UPDATE`,
        [definition.id, periodStart],
      );
      const [others] = await manager.query<[StoredAmounts?]>(
        `SELECT coalesce(sum(tokens), 0)::text AS tokens, coalesce(sum(requests), 0)::text AS requests, coalesce(sum(cost), 0)::text AS cost
         FROM quota_leases WHERE quota_id = $1 AND period_start = $2 AND replica_id <> $3 AND expires_at > now()`,
        [definition.id, periodStart, replicaId],
      );
      const grant = decide(toAmounts(used), toAmounts(others));
      await manager.query(
        `INSERT INTO quota_leases (quota_id, period_start, replica_id, tokens, requests, cost, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
         ON CONFLICT (quota_id, period_start, replica_id) DO UPDATE SET
           tokens = EXCLUDED.tokens, requests = EXCLUDED.requests, cost = EXCLUDED.cost, expires_at = EXCLUDED.expires_at`,
        [definition.id, periodStart, replicaId, grant.tokens.toString(), grant.requests.toString(), formatDecimal(grant.cost), ttlSeconds],
      );
    });
  }

  /**
   * Inside the metering writer's transaction: committed usage is added to `quota_usage` (for
   * quotas that still exist) and leaves the leases that covered it. Rows arrive sorted by key.
   */
  async commitUsage(manager: SqlRunner, usage: UsageRow[], moves: LeaseMove[]): Promise<void> {
    await commitUsageRows(manager, usage, moves);
  }

  /** Extends every lease of the replica. */
  async renew(replicaId: string, ttlSeconds: number): Promise<void> {
    await this.dataSource.query(`UPDATE quota_leases SET expires_at = now() + make_interval(secs => $2) WHERE replica_id = $1`, [replicaId, ttlSeconds]);
  }

  /** Hands one lease back (idle, or its period ended). */
  async release(quotaId: string, periodStart: Date, replicaId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM quota_leases WHERE quota_id = $1 AND period_start = $2 AND replica_id = $3`, [quotaId, periodStart, replicaId]);
  }

  /** Hands back everything the replica holds (shutdown, after the writer flushed). */
  async releaseAll(replicaId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM quota_leases WHERE replica_id = $1`, [replicaId]);
  }
}

/** Committed usage into `quota_usage` and out of the leases that held it (inside the writer's transaction). */
export async function commitUsageRows(manager: SqlRunner, usage: UsageRow[], moves: LeaseMove[]): Promise<void> {
  if (usage.length === 0) return;
  await manager.query(
    `INSERT INTO quota_usage (quota_id, period_start, used_tokens, used_requests, used_cost)
     SELECT d.quota_id, d.period_start, d.tokens, d.requests, d.cost
     FROM unnest($1::uuid[], $2::timestamptz[], $3::int8[], $4::int8[], $5::numeric[]) AS d(quota_id, period_start, tokens, requests, cost)
     WHERE EXISTS (SELECT 1 FROM quotas q WHERE q.id = d.quota_id)
     ON CONFLICT (quota_id, period_start) DO UPDATE SET
       used_tokens = quota_usage.used_tokens + EXCLUDED.used_tokens,
       used_requests = quota_usage.used_requests + EXCLUDED.used_requests,
       used_cost = quota_usage.used_cost + EXCLUDED.used_cost`,
    [
      usage.map((r) => r.quotaId),
      usage.map((r) => r.periodStart),
      usage.map((r) => r.amounts.tokens.toString()),
      usage.map((r) => r.amounts.requests.toString()),
      usage.map((r) => formatDecimal(r.amounts.cost)),
    ],
  );
  await manager.query(
    `UPDATE quota_leases l SET
       tokens = greatest(0, l.tokens - d.tokens),
       requests = greatest(0, l.requests - d.requests),
       cost = greatest(0, l.cost - d.cost)
     FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::int8[], $5::int8[], $6::numeric[]) AS d(quota_id, period_start, replica_id, tokens, requests, cost)
     WHERE l.quota_id = d.quota_id AND l.period_start = d.period_start AND l.replica_id = d.replica_id`,
    [
      moves.map((m) => m.quotaId),
      moves.map((m) => m.periodStart),
      moves.map((m) => m.replicaId),
      moves.map((m) => m.amounts.tokens.toString()),
      moves.map((m) => m.amounts.requests.toString()),
      moves.map((m) => formatDecimal(m.amounts.cost)),
    ],
  );
}
