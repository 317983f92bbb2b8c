import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { SqlRunner } from '../metering/sql-runner';
import { applyCommittedUsage } from './quota-usage-commit';
import { AppConfig, ChangeFeed, errorMessage, ROOT_LOGGER } from '@app/core';
import { add, sub } from './quota-amounts';
import {
  admit,
  Admission,
  commitToLease,
  CommittedUsage,
  covers,
  exceededError,
  grantFor,
  isQuiet,
  Lease,
  leaseKey,
  needOf,
  newLease,
  NO_QUOTA,
  outageGrant,
  QuotaAmount,
  QuotaSubject,
  roomLeft,
  usedOf,
} from './quota-admission';
import { QuotaDefinition, QuotaDefinitions } from './quota-definitions';
import { QuotaUnavailableError } from './quota-errors';
import { QuotaLeaseStore } from './quota-lease-store';
import { periodBounds } from './quota-period';

const LEASE_TTL_SECONDS = 30;
const RENEW_EVERY_MS = 10_000;
const MAX_ACQUISITION_ROUNDS = 8;

/**
 * Exact quotas across replicas without a database round trip per call, by leases
 * (DESIGN.md §2). A replica admits locally while its lease covers the estimate; otherwise it
 * acquires more in one short transaction sized to the room left (large when far from the limit,
 * one call's worth near it). The metering writer moves usage from lease to committed in the same
 * transaction as the events. Leases expire unless renewed, so a crashed replica's capacity
 * returns. This class wires the parts: definitions (cache), lease store (SQL), admission core
 * (pure rules) — and holds this replica's leases and their timers. The gateway's only.
 */
@Injectable()
export class QuotaLedger implements OnModuleInit, OnApplicationShutdown {
  readonly replicaId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly store: QuotaLeaseStore;
  private readonly definitions: QuotaDefinitions;
  private readonly leases = new Map<string, Lease>();
  /** The current period's lease per quota, so time-zone arithmetic only runs when a period ends. */
  private readonly currentLease = new Map<string, Lease>();
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly config: AppConfig,
    changeFeed: ChangeFeed,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.store = new QuotaLeaseStore(dataSource);
    this.definitions = new QuotaDefinitions(this.store, changeFeed, config.dbOutagePolicy, logger);
  }

  async onModuleInit(): Promise<void> {
    this.renewTimer = setInterval(() => void this.renewLeases(), RENEW_EVERY_MS);
    this.renewTimer.unref();
    await this.definitions.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.definitions.stop();
    clearInterval(this.renewTimer);
    // Hand back what this replica holds beyond its uncommitted usage; the writer has flushed by now.
    await this.store.releaseAll(this.replicaId).catch(() => undefined);
  }

  /** Reserves `estimate` (plus one request) against every quota of the user and their department. */
  async admit(subject: QuotaSubject, estimate: QuotaAmount, now = new Date()): Promise<Admission> {
    const definitions = await this.definitions.forSubject(subject);
    if (definitions.length === 0) return NO_QUOTA;
    const need = needOf(estimate);
    const leases = definitions.map((definition) => this.leaseFor(definition, now));
    for (let round = 0; round < MAX_ACQUISITION_ROUNDS; round++) {
      const short = leases.filter((lease) => !covers(lease, need));
      if (short.length === 0) return admit(leases, need);
      for (const lease of short) lease.waiting = add(lease.waiting, need);
      try {
        await Promise.all(short.map((lease) => this.acquire(lease)));
      } finally {
        for (const lease of short) lease.waiting = sub(lease.waiting, need);
      }
      const refused = short.find((lease) => lease.exhausted && !covers(lease, need));
      if (refused) throw exceededError(refused, need, now);
    }
    throw exceededError(leases.find((lease) => !covers(lease, need)) ?? leases[0], need, now);
  }

  /** Inside the metering writer's transaction: committed usage moves from leases to `quota_usage`. */
  async applyCommitted(sql: SqlRunner, committed: CommittedUsage[]): Promise<void> {
    await applyCommittedUsage(sql, committed);
  }

  /** After the writer's transaction committed: this replica's mirror follows the database. */
  afterCommit(committed: CommittedUsage[]): void {
    for (const item of committed) {
      if (item.replicaId !== this.replicaId) continue;
      const used = usedOf(item);
      for (const charge of item.charges) {
        const lease = this.leases.get(leaseKey(charge.quotaId, charge.periodStart));
        if (lease) commitToLease(lease, used);
      }
    }
  }

  private leaseFor(definition: QuotaDefinition, now: Date): Lease {
    const current = this.currentLease.get(definition.id);
    const t = now.getTime();
    if (current && t >= current.periodStart.getTime() && t < current.periodEnd.getTime()) {
      current.definition = definition; // limits may have changed
      return current;
    }
    const { start, end } = periodBounds(definition.period, now, this.config.timezone);
    const key = leaseKey(definition.id, start);
    let lease = this.leases.get(key);
    if (!lease) {
      lease = newLease(definition, start, end);
      this.leases.set(key, lease);
    }
    lease.definition = definition;
    this.currentLease.set(definition.id, lease);
    return lease;
  }

  /** One acquisition per lease at a time; callers waiting on it re-check afterwards. */
  private acquire(lease: Lease): Promise<void> {
    lease.acquiring ??= this.store
      .acquire(lease.definition, lease.periodStart, this.replicaId, LEASE_TTL_SECONDS, (committed, others) => {
        const room = roomLeft(lease.definition, committed, others);
        lease.lastKnownRoom = room;
        const { grant, exhausted } = grantFor(lease, room);
        lease.granted = grant;
        lease.exhausted = exhausted;
        return grant;
      })
      .catch((error: unknown) => this.onDatabaseUnavailable(lease, error))
      .finally(() => (lease.acquiring = undefined));
    return lease.acquiring;
  }

  /**
   * PostgreSQL is unreachable. Policy `serve`: keep admitting against the room that was left at
   * the last contact (bounded by it, shared by all replicas, so the overshoot is bounded by
   * replicas × that room). Policy `refuse`: 503.
   */
  private onDatabaseUnavailable(lease: Lease, error: unknown): void {
    this.logger.warn({ err: errorMessage(error), quotaId: lease.definition.id }, 'quota lease could not be acquired');
    if (this.config.dbOutagePolicy === 'refuse' || !lease.lastKnownRoom) throw new QuotaUnavailableError(errorMessage(error));
    lease.granted = outageGrant(lease.lastKnownRoom);
    lease.exhausted = true;
  }

  /** Keeps leases in use alive; drops idle ones and periods that have ended. */
  private async renewLeases(): Promise<void> {
    const now = Date.now();
    for (const [key, lease] of this.leases) {
      const idle = now - lease.lastUsedAt > LEASE_TTL_SECONDS * 1000;
      const ended = lease.periodEnd.getTime() <= now - 60_000;
      if ((idle || ended) && isQuiet(lease)) {
        this.leases.delete(key);
        if (this.currentLease.get(lease.definition.id) === lease) this.currentLease.delete(lease.definition.id);
        await this.store.release(lease.definition.id, lease.periodStart, this.replicaId).catch(() => undefined);
      }
    }
    if (this.leases.size === 0) return;
    await this.store
      .renew(this.replicaId, LEASE_TTL_SECONDS)
      .catch((error: unknown) => this.logger.warn({ err: errorMessage(error) }, 'quota leases could not be renewed'));
  }
}
