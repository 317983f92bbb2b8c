import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, ChangeFeed, ChangedTable, ROOT_LOGGER } from '@app/core';
import { Fixed, formatDecimal, parseDecimal } from '../pricing/decimal';
import { add, Amounts, clamp, isZero, max0, min, sub, toAmounts, zero } from './quota-amounts';
import type { QuotaCharge } from './quota-charge';
import { QuotaDimension, QuotaExceededError, QuotaUnavailableError } from './quota-errors';
import { periodBounds } from './quota-period';
import type { QuotaPeriod, QuotaScope } from './quota.entity';

const LEASE_TTL_SECONDS = 30;
const RENEW_EVERY_MS = 10_000;
const DEFINITIONS_SAFETY_NET_MS = 30_000;
/** A lease takes this share of the room left, so most calls never touch the database. */
const CHUNK_SHARE = 8n;

export interface QuotaSubject {
  userId: string;
  departmentId: string | null;
}

export interface QuotaAmount {
  tokens: number;
  /** Exact decimal string. */
  cost: string;
}

export interface Admission {
  readonly charges: QuotaCharge[];
  /** Frees the reservation and counts the actual usage until the writer commits it. Idempotent. */
  settle(actual: QuotaAmount): void;
}

export interface CommittedUsage {
  charges: QuotaCharge[];
  replicaId: string;
  tokens: number;
  cost: string;
}

interface Definition {
  id: string;
  scope: QuotaScope;
  subjectId: string;
  period: QuotaPeriod;
  maxTokens: bigint | null;
  maxRequests: bigint | null;
  maxCost: Fixed | null;
}

/** This replica's view of one quota in one period. Invariant sought: reserved + pending ≤ granted. */
interface Lease {
  key: string;
  definition: Definition;
  periodStart: Date;
  periodEnd: Date;
  /** Capacity PostgreSQL granted to this replica (mirror of its quota_leases row). */
  granted: Amounts;
  /** Estimates of calls in flight. */
  reserved: Amounts;
  /** Actual usage of finished calls, not yet committed by the writer. */
  pending: Amounts;
  /** Room left for everyone at the last contact with PostgreSQL (outage policy `serve`). */
  lastKnownRoom: Amounts | undefined;
  /** Estimates of calls waiting for an acquisition, so one round can cover all of them. */
  waiting: Amounts;
  /** The last acquisition granted all the room there was: a call it does not cover is refused. */
  exhausted: boolean;
  acquiring: Promise<void> | undefined;
  lastUsedAt: number;
}

/**
 * Exact quotas across replicas without a database round trip per call, by leases
 * (DESIGN.md §2). PostgreSQL holds, per quota and period, committed usage (`quota_usage`) and
 * what each replica was granted but has not committed yet (`quota_leases`), with
 * used + Σ leases ≤ limit. A replica admits locally while its lease covers the estimate;
 * otherwise it acquires more in one short transaction under the usage row's lock, sized to the
 * room left (large when far from the limit, one call's worth near it). The metering writer moves
 * usage from lease to committed in the same transaction as the events. Leases expire unless
 * renewed, so a crashed replica's capacity returns.
 */
@Injectable()
export class QuotaLedger implements OnModuleInit, OnApplicationShutdown {
  readonly replicaId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private bySubject = new Map<string, Definition[]>();
  private readonly leases = new Map<string, Lease>();
  private readonly currentLease = new Map<string, Lease>();
  private definitionsLoaded = false;
  private loading: Promise<void> | undefined;
  private reloadAgain = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ChangeFeed) private readonly changeFeed: ChangeFeed,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    this.changeFeed.on('change', (table: ChangedTable) => {
      if (table === 'quotas') void this.loadDefinitions();
    });
    this.changeFeed.on('resync', () => void this.loadDefinitions());
    this.timers = [
      setInterval(() => void this.loadDefinitions(), DEFINITIONS_SAFETY_NET_MS),
      setInterval(() => void this.renewLeases(), RENEW_EVERY_MS),
    ];
    for (const timer of this.timers) timer.unref();
    await this.loadDefinitions();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    // Hand back what this replica holds beyond its uncommitted usage; the writer has flushed by now.
    await this.dataSource.query(`DELETE FROM quota_leases WHERE replica_id = $1`, [this.replicaId]).catch(() => undefined);
  }

  /** Reserves `estimate` (plus one request) against every quota of the user and their department. */
  async admit(subject: QuotaSubject, estimate: QuotaAmount, now = new Date()): Promise<Admission> {
    if (!this.definitionsLoaded) await this.loadDefinitions();
    const definitions = this.definitionsFor(subject);
    if (definitions.length === 0) return NO_QUOTA;
    const need: Amounts = { tokens: BigInt(Math.max(0, Math.ceil(estimate.tokens))), requests: 1n, cost: parseDecimal(estimate.cost) };
    const leases = definitions.map((definition) => this.leaseFor(definition, now));

    for (let attempt = 0; attempt < 8; attempt++) {
      const short = leases.filter((lease) => !covers(lease, need));
      if (short.length === 0) {
        for (const lease of leases) {
          lease.reserved = add(lease.reserved, need);
          lease.lastUsedAt = Date.now();
        }
        return this.admission(leases, need);
      }
      for (const lease of short) lease.waiting = add(lease.waiting, need);
      try {
        await Promise.all(short.map((lease) => this.acquire(lease)));
      } finally {
        for (const lease of short) lease.waiting = sub(lease.waiting, need);
      }
      const refused = short.find((lease) => lease.exhausted && !covers(lease, need));
      if (refused) throw this.exceeded(refused, need, now);
    }
    const refused = leases.find((lease) => !covers(lease, need)) ?? leases[0];
    throw this.exceeded(refused, need, now);
  }

  /** Inside the metering writer's transaction: committed usage moves from leases to `quota_usage`. */
  async applyCommitted(manager: EntityManager, committed: CommittedUsage[]): Promise<void> {
    const usage = new Map<string, { quotaId: string; periodStart: string; amounts: Amounts }>();
    const leaseMoves = new Map<string, { quotaId: string; periodStart: string; replicaId: string; amounts: Amounts }>();
    for (const item of committed) {
      const amounts: Amounts = { tokens: BigInt(item.tokens), requests: 1n, cost: parseDecimal(item.cost) };
      for (const charge of item.charges) {
        const key = `${charge.quotaId}|${charge.periodStart}`;
        const entry = usage.get(key) ?? { quotaId: charge.quotaId, periodStart: charge.periodStart, amounts: zero() };
        entry.amounts = add(entry.amounts, amounts);
        usage.set(key, entry);
        const leaseKey = `${key}|${item.replicaId}`;
        const move = leaseMoves.get(leaseKey) ?? { quotaId: charge.quotaId, periodStart: charge.periodStart, replicaId: item.replicaId, amounts: zero() };
        move.amounts = add(move.amounts, amounts);
        leaseMoves.set(leaseKey, move);
      }
    }
    if (usage.size === 0) return;
    const rows = [...usage.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row);
    // Rows are locked in key order by every writer, so concurrent replicas never deadlock.
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
        rows.map((r) => r.quotaId),
        rows.map((r) => r.periodStart),
        rows.map((r) => r.amounts.tokens.toString()),
        rows.map((r) => r.amounts.requests.toString()),
        rows.map((r) => formatDecimal(r.amounts.cost)),
      ],
    );
    const moves = [...leaseMoves.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row);
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

  /** After the writer's transaction committed: this replica's mirror follows the database. */
  afterCommit(committed: CommittedUsage[]): void {
    for (const item of committed) {
      if (item.replicaId !== this.replicaId) continue;
      const amounts: Amounts = { tokens: BigInt(item.tokens), requests: 1n, cost: parseDecimal(item.cost) };
      for (const charge of item.charges) {
        const lease = this.leases.get(`${charge.quotaId}|${charge.periodStart}`);
        if (!lease) continue;
        lease.pending = sub(lease.pending, amounts);
        lease.granted = { tokens: max0(lease.granted.tokens - amounts.tokens), requests: max0(lease.granted.requests - 1n), cost: max0(lease.granted.cost - amounts.cost) };
      }
    }
  }

  /** Per quota of a subject: committed usage in the current period, limit, remaining, reset. */
  async status(scope: QuotaScope, subjectId: string, now = new Date()) {
    const rows: Array<{ id: string; scope: QuotaScope; subject_id: string; period: QuotaPeriod; max_tokens: string | null; max_requests: string | null; max_cost: string | null }> =
      await this.dataSource.query(`SELECT id, scope, subject_id, period, max_tokens::text, max_requests::text, max_cost::text FROM quotas WHERE scope = $1 AND subject_id = $2 ORDER BY period`, [scope, subjectId]);
    return Promise.all(
      rows.map(async (row) => {
        const { start, end } = periodBounds(row.period, now, this.config.timezone);
        const [used] = await this.dataSource.query(
          `SELECT used_tokens::text AS tokens, used_requests::text AS requests, used_cost::text AS cost FROM quota_usage WHERE quota_id = $1 AND period_start = $2`,
          [row.id, start],
        );
        const usedTokens = used?.tokens ?? '0';
        const usedRequests = used?.requests ?? '0';
        const usedCost = formatDecimal(parseDecimal(used?.cost ?? '0'));
        const remaining = (limit: string | null, spent: string) => (limit === null ? null : formatDecimal(max0(parseDecimal(limit) - parseDecimal(spent))));
        return {
          quotaId: row.id,
          scope: row.scope,
          subjectId: row.subject_id,
          period: row.period,
          periodStart: start.toISOString(),
          resetsAt: end.toISOString(),
          limit: { tokens: row.max_tokens, requests: row.max_requests, cost: row.max_cost === null ? null : formatDecimal(parseDecimal(row.max_cost)) },
          used: { tokens: usedTokens, requests: usedRequests, cost: usedCost },
          remaining: { tokens: remaining(row.max_tokens, usedTokens), requests: remaining(row.max_requests, usedRequests), cost: remaining(row.max_cost, usedCost) },
        };
      }),
    );
  }

  private admission(leases: Lease[], need: Amounts): Admission {
    let settled = false;
    const charges = leases.map((lease) => ({ quotaId: lease.definition.id, periodStart: lease.periodStart.toISOString() }));
    return {
      charges,
      settle: (actual: QuotaAmount) => {
        if (settled) return;
        settled = true;
        const used: Amounts = { tokens: BigInt(Math.max(0, Math.round(actual.tokens))), requests: 1n, cost: parseDecimal(actual.cost) };
        for (const lease of leases) {
          lease.reserved = sub(lease.reserved, need);
          lease.pending = add(lease.pending, used);
        }
      },
    };
  }

  private definitionsFor(subject: QuotaSubject): Definition[] {
    const own = this.bySubject.get(`user:${subject.userId}`) ?? [];
    const department = subject.departmentId ? (this.bySubject.get(`department:${subject.departmentId}`) ?? []) : [];
    return department.length === 0 ? own : own.concat(department);
  }

  private leaseFor(definition: Definition, now: Date): Lease {
    // Hot path: the current period's lease is remembered per quota; time-zone arithmetic only
    // runs when a period ends.
    const current = this.currentLease.get(definition.id);
    const t = now.getTime();
    if (current && t >= current.periodStart.getTime() && t < current.periodEnd.getTime()) {
      current.definition = definition; // limits may have changed
      return current;
    }
    const { start, end } = periodBounds(definition.period, now, this.config.timezone);
    const key = `${definition.id}|${start.toISOString()}`;
    let lease = this.leases.get(key);
    if (!lease) {
      lease = {
        key,
        definition,
        periodStart: start,
        periodEnd: end,
        granted: zero(),
        reserved: zero(),
        pending: zero(),
        waiting: zero(),
        exhausted: false,
        lastKnownRoom: undefined,
        acquiring: undefined,
        lastUsedAt: Date.now(),
      };
      this.leases.set(key, lease);
    }
    lease.definition = definition; // limits may have changed
    this.currentLease.set(definition.id, lease);
    return lease;
  }

  /** One acquisition per lease at a time; callers waiting on it re-check afterwards. */
  private acquire(lease: Lease): Promise<void> {
    if (!lease.acquiring) {
      lease.acquiring = this.acquireFromDatabase(lease)
        .catch((error: Error) => this.onDatabaseUnavailable(lease, error))
        .finally(() => (lease.acquiring = undefined));
    }
    return lease.acquiring;
  }

  private async acquireFromDatabase(lease: Lease): Promise<void> {
    const { definition } = lease;
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
        [definition.id, lease.periodStart, definition.scope, definition.subjectId, definition.period !== 'minute', new Date()],
      );
      const [used] = await manager.query(
        `SELECT used_tokens::text AS tokens, used_requests::text AS requests, used_cost::text AS cost
         FROM quota_usage WHERE quota_id = $1 AND period_start = $2 FOR UPDATE`,
        [definition.id, lease.periodStart],
      );
      const [others] = await manager.query(
        `SELECT coalesce(sum(tokens), 0)::text AS tokens, coalesce(sum(requests), 0)::text AS requests, coalesce(sum(cost), 0)::text AS cost
         FROM quota_leases WHERE quota_id = $1 AND period_start = $2 AND replica_id <> $3 AND expires_at > now()`,
        [definition.id, lease.periodStart, this.replicaId],
      );
      const committed = toAmounts(used);
      const room = sub(sub(limitsOf(definition), committed), toAmounts(others));
      lease.lastKnownRoom = room;
      // What this replica needs to hold: its uncommitted usage, its calls in flight and the calls
      // waiting, plus a share of the room left so the next calls are admitted locally.
      const wanted = add(add(lease.pending, lease.reserved), lease.waiting);
      const grant: Amounts = {
        tokens: definition.maxTokens === null ? 0n : clamp(wanted.tokens, room.tokens, room.tokens / CHUNK_SHARE),
        requests: definition.maxRequests === null ? 0n : clamp(wanted.requests, room.requests, room.requests / CHUNK_SHARE),
        cost: definition.maxCost === null ? 0n : clamp(wanted.cost, room.cost, room.cost / CHUNK_SHARE),
      };
      await manager.query(
        `INSERT INTO quota_leases (quota_id, period_start, replica_id, tokens, requests, cost, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))
         ON CONFLICT (quota_id, period_start, replica_id) DO UPDATE SET
           tokens = EXCLUDED.tokens, requests = EXCLUDED.requests, cost = EXCLUDED.cost, expires_at = EXCLUDED.expires_at`,
        [definition.id, lease.periodStart, this.replicaId, grant.tokens.toString(), grant.requests.toString(), formatDecimal(grant.cost), LEASE_TTL_SECONDS],
      );
      lease.granted = grant;
      lease.exhausted =
        (definition.maxTokens !== null && grant.tokens >= max0(room.tokens)) ||
        (definition.maxRequests !== null && grant.requests >= max0(room.requests)) ||
        (definition.maxCost !== null && grant.cost >= max0(room.cost));
    });
  }

  /**
   * PostgreSQL is unreachable. Policy `serve`: keep admitting against the room that was left at
   * the last contact (bounded by it, shared by all replicas, so the overshoot is bounded by
   * replicas × that room). Policy `refuse`: 503.
   */
  private onDatabaseUnavailable(lease: Lease, error: Error): void {
    this.logger.warn({ err: error.message, quotaId: lease.definition.id }, 'quota lease could not be acquired');
    if (this.config.dbOutagePolicy === 'refuse' || !lease.lastKnownRoom) throw new QuotaUnavailableError(error.message);
    const room = lease.lastKnownRoom;
    lease.granted = {
      tokens: max0(room.tokens),
      requests: max0(room.requests),
      cost: max0(room.cost),
    };
    lease.exhausted = true;
  }

  private exceeded(lease: Lease, need: Amounts, now: Date): QuotaExceededError {
    const { definition } = lease;
    const free = sub(sub(lease.granted, lease.reserved), lease.pending);
    const room = lease.lastKnownRoom ?? free;
    const dimension: QuotaDimension =
      definition.maxRequests !== null && free.requests < need.requests ? 'requests' : definition.maxTokens !== null && free.tokens < need.tokens ? 'tokens' : 'cost';
    const limit = dimension === 'tokens' ? definition.maxTokens! : dimension === 'requests' ? definition.maxRequests! : definition.maxCost!;
    const roomLeft = dimension === 'tokens' ? room.tokens : dimension === 'requests' ? room.requests : room.cost;
    const format = (v: bigint) => (dimension === 'cost' ? formatDecimal(v) : v.toString());
    // Used so far = committed + admitted in flight. The room at last contact already excludes
    // what was committed and what other replicas hold; this replica's own calls (in flight and
    // finished but not yet committed) are added, since its lease counted them as room.
    const mine = add(lease.reserved, lease.pending);
    const mineLeft = dimension === 'tokens' ? mine.tokens : dimension === 'requests' ? mine.requests : mine.cost;
    const used = lease.lastKnownRoom ? limit - max0(roomLeft) + mineLeft : limit - max0(roomLeft);
    return new QuotaExceededError(
      definition.scope,
      definition.period,
      dimension,
      format(limit),
      format(used > limit ? limit : used),
      Math.max(1, Math.ceil((lease.periodEnd.getTime() - now.getTime()) / 1000)),
    );
  }

  /** Coalesces reloads; a change arriving during a load triggers one more, so none is missed. */
  private loadDefinitions(): Promise<void> {
    if (this.loading) {
      this.reloadAgain = true;
      return this.loading;
    }
    {
      this.loading = this.dataSource
        .query(`SELECT id, scope, subject_id, period, max_tokens::text, max_requests::text, max_cost::text FROM quotas`)
        .then((rows: Array<{ id: string; scope: QuotaScope; subject_id: string; period: QuotaPeriod; max_tokens: string | null; max_requests: string | null; max_cost: string | null }>) => {
          const bySubject = new Map<string, Definition[]>();
          for (const row of rows) {
            const key = `${row.scope}:${row.subject_id}`;
            const list = bySubject.get(key) ?? [];
            list.push({
              id: row.id,
              scope: row.scope,
              subjectId: row.subject_id,
              period: row.period,
              maxTokens: row.max_tokens === null ? null : BigInt(row.max_tokens),
              maxRequests: row.max_requests === null ? null : BigInt(row.max_requests),
              maxCost: row.max_cost === null ? null : parseDecimal(row.max_cost),
            });
            bySubject.set(key, list);
          }
          this.bySubject = bySubject;
          this.definitionsLoaded = true;
        })
        .catch((error: Error) => {
          this.logger.warn({ err: error.message }, 'quota definitions could not be loaded; keeping the last known ones');
          if (!this.definitionsLoaded && this.config.dbOutagePolicy === 'refuse') throw new QuotaUnavailableError(error.message);
        })
        .finally(() => {
          this.loading = undefined;
          if (this.reloadAgain) {
            this.reloadAgain = false;
            void this.loadDefinitions();
          }
        });
    }
    return this.loading;
  }

  /** Keeps leases in use alive; drops idle ones and periods that have ended. */
  private async renewLeases(): Promise<void> {
    const now = Date.now();
    for (const [key, lease] of this.leases) {
      const idle = isZero(lease.reserved) && isZero(lease.pending) && now - lease.lastUsedAt > LEASE_TTL_SECONDS * 1000;
      if (idle || lease.periodEnd.getTime() <= now - 60_000) {
        if (isZero(lease.reserved) && isZero(lease.pending)) {
          this.leases.delete(key);
          if (this.currentLease.get(lease.definition.id) === lease) this.currentLease.delete(lease.definition.id);
          await this.dataSource
            .query(`DELETE FROM quota_leases WHERE quota_id = $1 AND period_start = $2 AND replica_id = $3`, [lease.definition.id, lease.periodStart, this.replicaId])
            .catch(() => undefined);
        }
      }
    }
    if (this.leases.size === 0) return;
    await this.dataSource
      .query(`UPDATE quota_leases SET expires_at = now() + make_interval(secs => $2) WHERE replica_id = $1`, [this.replicaId, LEASE_TTL_SECONDS])
      .catch((error: Error) => this.logger.warn({ err: error.message }, 'quota leases could not be renewed'));
  }
}

const NO_QUOTA: Admission = { charges: [], settle: () => undefined };

function covers(lease: Lease, need: Amounts): boolean {
  const free = sub(sub(lease.granted, lease.reserved), lease.pending);
  const d = lease.definition;
  return (d.maxTokens === null || free.tokens >= need.tokens) && (d.maxRequests === null || free.requests >= need.requests) && (d.maxCost === null || free.cost >= need.cost);
}

function limitsOf(definition: Definition): Amounts {
  return { tokens: definition.maxTokens ?? 0n, requests: definition.maxRequests ?? 0n, cost: definition.maxCost ?? 0n };
}




