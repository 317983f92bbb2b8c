import type { Logger } from 'pino';
import type { ChangeFeed, ChangedTable, OutagePolicy } from '@app/core';
import { errorMessage } from '@app/core';
import type { Fixed } from '../pricing/decimal';
import { QuotaUnavailableError } from './quota-errors';
import type { QuotaLeaseStore } from './quota-lease-store';
import type { QuotaPeriod, QuotaScope } from './quota.entity';

/** One quota as the ledger enforces it: limits as exact integers (cost in fixed point). */
export interface QuotaDefinition {
  id: string;
  scope: QuotaScope;
  subjectId: string;
  period: QuotaPeriod;
  maxTokens: bigint | null;
  maxRequests: bigint | null;
  maxCost: Fixed | null;
}

const SAFETY_NET_MS = 30_000;

/**
 * Every quota definition in memory, by subject, so admission never reads the database for them.
 * Reloaded on a change-feed notice for `quotas` (within a second on every replica), on a resync,
 * and every 30 s as a safety net. Reloads coalesce; a change arriving during a load triggers one
 * more, so none is missed.
 */
export class QuotaDefinitions {
  private bySubject = new Map<string, QuotaDefinition[]>();
  private loaded = false;
  private loading: Promise<void> | undefined;
  private reloadAgain = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: QuotaLeaseStore,
    private readonly changeFeed: ChangeFeed,
    private readonly outagePolicy: OutagePolicy,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.changeFeed.on('change', (table: ChangedTable) => {
      if (table === 'quotas') void this.reload();
    });
    this.changeFeed.on('resync', () => void this.reload());
    this.timer = setInterval(() => void this.reload(), SAFETY_NET_MS);
    this.timer.unref();
    await this.reload();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The quotas that bind a call of this user: their own and their department's. */
  async forSubject(subject: { userId: string; departmentId: string | null }): Promise<QuotaDefinition[]> {
    if (!this.loaded) await this.reload();
    const own = this.bySubject.get(`user:${subject.userId}`) ?? [];
    const department = subject.departmentId ? (this.bySubject.get(`department:${subject.departmentId}`) ?? []) : [];
    return department.length === 0 ? own : own.concat(department);
  }

  private reload(): Promise<void> {
    if (this.loading) {
      this.reloadAgain = true;
      return this.loading;
    }
    this.loading = this.store
      .definitions()
      .then((definitions) => {
        const bySubject = new Map<string, QuotaDefinition[]>();
        for (const definition of definitions) {
          const key = `${definition.scope}:${definition.subjectId}`;
          const list = bySubject.get(key) ?? [];
          list.push(definition);
          bySubject.set(key, list);
        }
        this.bySubject = bySubject;
        this.loaded = true;
      })
      .catch((error: unknown) => {
        this.logger.warn({ err: errorMessage(error) }, 'quota definitions could not be loaded; keeping the last known ones');
        if (!this.loaded && this.outagePolicy === 'refuse') throw new QuotaUnavailableError(errorMessage(error));
      })
      .finally(() => {
        this.loading = undefined;
        if (this.reloadAgain) {
          this.reloadAgain = false;
          void this.reload();
        }
      });
    return this.loading;
  }
}
