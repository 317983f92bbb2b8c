import type { Logger } from 'pino';
import type { ChangeFeed, OutagePolicy } from '@app/core';
import { ChangeFeedSnapshot, errorMessage } from '@app/core';
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
  private readonly snapshot: ChangeFeedSnapshot<Map<string, QuotaDefinition[]>>;
  private lastError = '';

  constructor(
    store: QuotaLeaseStore,
    changeFeed: ChangeFeed,
    private readonly outagePolicy: OutagePolicy,
    logger: Logger,
  ) {
    this.snapshot = new ChangeFeedSnapshot<Map<string, QuotaDefinition[]>>({
      feed: changeFeed,
      tables: ['quotas'],
      load: async () => bySubject(await store.definitions()),
      initial: new Map(),
      resyncEveryMs: SAFETY_NET_MS,
      onLoadError: (error) => {
        this.lastError = errorMessage(error);
        logger.warn({ err: this.lastError }, 'quota definitions could not be loaded; keeping the last known ones');
      },
    });
  }

  async start(): Promise<void> {
    await this.snapshot.start();
    this.refuseIfNeverLoaded();
  }

  stop(): void {
    this.snapshot.stop();
  }

  /** The quotas that bind a call of this user: their own and their department's. */
  async forSubject(subject: { userId: string; departmentId: string | null }): Promise<QuotaDefinition[]> {
    if (!this.snapshot.loaded) {
      await this.snapshot.reload();
      this.refuseIfNeverLoaded();
    }
    const definitions = this.snapshot.current;
    const own = definitions.get(`user:${subject.userId}`) ?? [];
    const department = subject.departmentId ? (definitions.get(`department:${subject.departmentId}`) ?? []) : [];
    return department.length === 0 ? own : own.concat(department);
  }

  /** With no definitions ever loaded, a `refuse` policy refuses rather than admit without quotas. */
  private refuseIfNeverLoaded(): void {
    if (!this.snapshot.loaded && this.outagePolicy === 'refuse') throw new QuotaUnavailableError(this.lastError);
  }
}

function bySubject(definitions: QuotaDefinition[]): Map<string, QuotaDefinition[]> {
  const map = new Map<string, QuotaDefinition[]>();
  for (const definition of definitions) {
    const key = `${definition.scope}:${definition.subjectId}`;
    const list = map.get(key) ?? [];
    list.push(definition);
    map.set(key, list);
  }
  return map;
}
