import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { AccountStatus, ROOT_LOGGER } from '@app/core';
import { quarterHourStart } from '@app/usage';
import type { UpstreamAccount } from './upstream-account';

const FLUSH_INTERVAL_MS = 500;
const SHUTDOWN_FLUSH_MS = 1000;
/** Never hold more than this many pending accounts (a database away for long loses counts, not calls). */
const MAX_PENDING = 10_000;

interface Pending {
  providerId: string;
  failed: number;
  lastError: string | null;
  lastErrorAt: Date | null;
  /** Failed attempts per quarter-hour bucket (ISO start). */
  buckets: Map<string, number>;
  /** A status transition to persist (the latest wins). */
  status?: { status: AccountStatus; coolingUntil: Date | null; error: string | null };
}

/**
 * Persists account health off the hot path: failed-attempt counts, last error and status
 * transitions are gathered in memory and written every half second in one transaction (rows in
 * id order, so replicas never deadlock). Only transitions touch the columns whose change notifies
 * the other replicas; counting failures never does.
 */
@Injectable()
export class AccountHealthRecorder implements OnModuleInit, OnApplicationShutdown {
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Called for each failed attempt (metrics). */
  onFailedAttempt: ((account: UpstreamAccount, code: string) => void) | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** One last write, bounded: health is worth a second of shutdown, never a hang on a database that is gone. */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.flush(), new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_FLUSH_MS)))]);
    clearTimeout(timer);
  }

  attemptFailed(account: UpstreamAccount, code: string, at: number): void {
    const entry = this.entry(account);
    if (!entry) return;
    entry.failed++;
    entry.lastError = code;
    entry.lastErrorAt = new Date(at);
    const bucket = quarterHourStart(new Date(at)).toISOString();
    entry.buckets.set(bucket, (entry.buckets.get(bucket) ?? 0) + 1);
    this.onFailedAttempt?.(account, code);
  }

  statusChanged(account: UpstreamAccount, status: AccountStatus, coolingUntil: Date | null, error: string | null = null): void {
    const entry = this.entry(account);
    if (entry) entry.status = { status, coolingUntil, error };
  }

  /** Writes what is pending; resolves when written (or kept for the next try). */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.pending.size === 0) return Promise.resolve();
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.write(batch)
      .catch((error: unknown) => {
        this.logger.warn({ err: (error as Error).message, accounts: batch.size }, 'account health not persisted; will retry');
        this.requeue(batch);
      })
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(batch: Map<string, Pending>): Promise<void> {
    const entries = [...batch.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const counted = entries.filter(([, entry]) => entry.failed > 0);
    const transitions = entries.flatMap(([id, entry]) => (entry.status ? [[id, entry.status] as const] : []));
    const attempts = entries.flatMap(([id, entry]) => [...entry.buckets.entries()].map(([bucket, n]) => ({ id, bucket, n, providerId: entry.providerId })));
    await this.dataSource.transaction(async (manager) => {
      if (counted.length > 0) {
        await manager.query(
          `UPDATE provider_accounts a SET failed_attempts = a.failed_attempts + u.n, last_error = u.error, last_error_at = u.at
           FROM unnest($1::uuid[], $2::int8[], $3::text[], $4::timestamptz[]) AS u(id, n, error, at) WHERE a.id = u.id`,
          [
            counted.map(([id]) => id),
            counted.map(([, entry]) => entry.failed),
            counted.map(([, entry]) => entry.lastError),
            counted.map(([, entry]) => entry.lastErrorAt),
          ],
        );
      }
      if (transitions.length > 0) await this.writeTransitions(manager, transitions);
      if (attempts.length > 0) {
        attempts.sort((a, b) => (a.bucket === b.bucket ? (a.id < b.id ? -1 : 1) : a.bucket < b.bucket ? -1 : 1));
        await manager.query(
          `INSERT INTO provider_account_attempts (bucket_start, account_id, provider_id, failed_attempts)
           SELECT * FROM unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::int8[])
           ON CONFLICT (bucket_start, account_id) DO UPDATE SET failed_attempts = provider_account_attempts.failed_attempts + EXCLUDED.failed_attempts`,
          [attempts.map((a) => a.bucket), attempts.map((a) => a.id), attempts.map((a) => a.providerId), attempts.map((a) => a.n)],
        );
      }
    });
  }

  /**
   * Status transitions. A statement that sets `status` notifies every replica (their catalogs
   * reload), so it runs only for rows whose status really changes; a cool-down merely extended
   * updates `cooling_until` alone. `disabled` is the admin's: a transition never overrides it.
   */
  private async writeTransitions(manager: EntityManager, transitions: ReadonlyArray<readonly [string, NonNullable<Pending['status']>]>): Promise<void> {
    const stored: Array<{ id: string; status: AccountStatus }> = await manager.query(
      `SELECT id, status FROM provider_accounts WHERE id = ANY($1::uuid[]) AND enabled AND status <> 'disabled' ORDER BY id FOR UPDATE`,
      [transitions.map(([id]) => id)],
    );
    const current = new Map(stored.map((row) => [row.id, row.status]));
    const present = transitions.filter(([id]) => current.has(id));
    const extended = present.filter(([id, next]) => current.get(id) === next.status);
    const changed = present.filter(([id, next]) => current.get(id) !== next.status);
    if (extended.length > 0) {
      await manager.query(
        `UPDATE provider_accounts a SET cooling_until = u.until FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, until) WHERE a.id = u.id`,
        [extended.map(([id]) => id), extended.map(([, next]) => next.coolingUntil)],
      );
    }
    if (changed.length > 0) {
      await manager.query(
        `UPDATE provider_accounts a SET status = u.status, cooling_until = u.until, updated_at = now(), last_error = coalesce(u.error, a.last_error)
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[]) AS u(id, status, until, error) WHERE a.id = u.id`,
        [
          changed.map(([id]) => id),
          changed.map(([, next]) => next.status),
          changed.map(([, next]) => next.coolingUntil),
          changed.map(([, next]) => next.error),
        ],
      );
    }
  }

  private requeue(batch: Map<string, Pending>): void {
    for (const [id, old] of batch) {
      const current = this.pending.get(id);
      if (!current) {
        if (this.pending.size < MAX_PENDING) this.pending.set(id, old);
        continue;
      }
      current.failed += old.failed;
      current.lastError ??= old.lastError;
      current.lastErrorAt ??= old.lastErrorAt;
      current.status ??= old.status;
      for (const [bucket, n] of old.buckets) current.buckets.set(bucket, (current.buckets.get(bucket) ?? 0) + n);
    }
  }

  private entry(account: UpstreamAccount): Pending | undefined {
    let entry = this.pending.get(account.id);
    if (!entry) {
      if (this.pending.size >= MAX_PENDING) return undefined;
      entry = { providerId: account.providerId, failed: 0, lastError: null, lastErrorAt: null, buckets: new Map() };
      this.pending.set(account.id, entry);
    }
    return entry;
  }
}
