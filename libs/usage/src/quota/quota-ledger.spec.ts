import pino from 'pino';
import { DataSource } from 'typeorm';
import { AppConfig, ChangeFeed } from '@app/core';
import { createTestDatabase, testConfig } from '@app/core/testing';
import type { CommittedUsage } from './quota-admission';
import { QuotaLedger } from './quota-ledger.service';
import { QuotaStatusService } from './quota-status.service';
import { QuotaExceededError } from './quota-errors';

const logger = pino({ level: 'silent' });

/** One gateway replica's quota side: its own connection pool, change feed and ledger. */
class Replica {
  private pending: CommittedUsage[] = [];

  private constructor(
    readonly dataSource: DataSource,
    readonly feed: ChangeFeed,
    readonly ledger: QuotaLedger,
  ) {}

  static async start(url: string, config: AppConfig): Promise<Replica> {
    const dataSource = new DataSource({ type: 'postgres', url, extra: { max: 5 } });
    await dataSource.initialize();
    const feed = new ChangeFeed(url, logger);
    await feed.start();
    const ledger = new QuotaLedger(dataSource, config, feed, logger);
    await ledger.onModuleInit();
    return new Replica(dataSource, feed, ledger);
  }

  /** Admit, "serve", settle with the actual usage, and queue it for commit like the gateway does. */
  async call(subject: { userId: string; departmentId: string }, estimate: number, actual = estimate, cost = { estimate: '0', actual: '0' }): Promise<boolean> {
    try {
      const admission = await this.ledger.admit(subject, { tokens: estimate, cost: cost.estimate });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      admission.settle({ tokens: actual, cost: cost.actual });
      this.pending.push({ charges: admission.charges, replicaId: this.ledger.replicaId, tokens: actual, cost: cost.actual });
      return true;
    } catch (error) {
      if (error instanceof QuotaExceededError) return false;
      throw error;
    }
  }

  private committing: Promise<void> = Promise.resolve();

  /** What the metering writer does with a batch (one batch at a time, like the writer). */
  commit(): Promise<void> {
    this.committing = this.committing.then(async () => {
      const batch = this.pending.splice(0);
      if (batch.length === 0) return;
      await this.dataSource.transaction((manager) => this.ledger.applyCommitted(manager, batch));
      this.ledger.afterCommit(batch);
    });
    return this.committing;
  }

  async stop(): Promise<void> {
    await this.ledger.onApplicationShutdown();
    await this.feed.stop();
    await this.dataSource.destroy();
  }
}

describe('QuotaLedger across two replicas (real PostgreSQL)', () => {
  let url: string;
  let admin: DataSource;
  let replicas: Replica[];
  let config: AppConfig;
  const userId = '00000000-0000-4000-8000-0000000000a1';
  const departmentId = '00000000-0000-4000-8000-0000000000d1';

  beforeAll(async () => {
    url = await createTestDatabase();
    admin = new DataSource({ type: 'postgres', url });
    await admin.initialize();
    config = testConfig(url, { APP_TIMEZONE: 'Asia/Kolkata' });
    replicas = [await Replica.start(url, config), await Replica.start(url, config)];
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await admin.destroy();
  });

  beforeEach(async () => {
    await admin.query(`DELETE FROM quotas`);
  });

  async function quota(scope: 'user' | 'department', subjectId: string, limits: { maxTokens?: number; maxRequests?: number; maxCost?: string }) {
    await admin.query(`INSERT INTO quotas (scope, subject_id, period, max_tokens, max_requests, max_cost) VALUES ($1, $2, 'day', $3, $4, $5)`, [
      scope,
      subjectId,
      limits.maxTokens ?? null,
      limits.maxRequests ?? null,
      limits.maxCost ?? null,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300)); // change feed reaches both replicas
  }

  async function hammer(total: number, estimate: number, actual = estimate, cost?: { estimate: string; actual: string }): Promise<number> {
    const subject = { userId, departmentId };
    let admitted = 0;
    const committers = replicas.map((replica) => setInterval(() => void replica.commit(), 20));
    await Promise.all(Array.from({ length: total }, (_, i) => replicas[i % 2].call(subject, estimate, actual, cost).then((ok) => ok && admitted++)));
    committers.forEach(clearInterval);
    await Promise.all(replicas.map((r) => r.commit()));
    return admitted;
  }

  it('never exceeds maxRequests, whatever the concurrency', async () => {
    await quota('user', userId, { maxRequests: 37 });
    const admitted = await hammer(300, 10);
    expect(admitted).toBe(37);
    const [row] = await admin.query(`SELECT used_requests::int AS n FROM quota_usage`);
    expect(row.n).toBe(37);
  });

  it('never exceeds the department token quota when estimates hold', async () => {
    await quota('department', departmentId, { maxTokens: 5_000 });
    const admitted = await hammer(400, 70);
    expect(admitted).toBe(Math.floor(5_000 / 70));
    const [row] = await admin.query(`SELECT used_tokens::int AS n FROM quota_usage`);
    expect(row.n).toBe(admitted * 70);
    expect(row.n).toBeLessThanOrEqual(5_000);
  });

  it('binds both the user and the department quota', async () => {
    await quota('user', userId, { maxRequests: 1000 });
    await quota('department', departmentId, { maxRequests: 12 });
    expect(await hammer(100, 1)).toBe(12);
  });

  it('refuses with the quota named and Retry-After until the period resets', async () => {
    await quota('user', userId, { maxTokens: 100 });
    await replicas[0].call({ userId, departmentId }, 80);
    await replicas[0].commit();
    const error = await replicas[1].ledger.admit({ userId, departmentId }, { tokens: 50, cost: '0' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExceededError);
    const refusal = error as QuotaExceededError;
    expect(refusal.message).toBe('user day token quota exceeded: limit 100, used 80');
    expect(refusal.retryAfterSeconds).toBeGreaterThan(0);
    expect(refusal.retryAfterSeconds).toBeLessThanOrEqual(86_400);
  });

  it('applies a changed limit within a second', async () => {
    await quota('user', userId, { maxRequests: 1 });
    expect(await replicas[0].call({ userId, departmentId }, 1)).toBe(true);
    expect(await replicas[0].call({ userId, departmentId }, 1)).toBe(false);
    await admin.query(`UPDATE quotas SET max_requests = 3`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await replicas[1].call({ userId, departmentId }, 1)).toBe(true);
  });

  it('reports used, remaining and reset per quota', async () => {
    await quota('user', userId, { maxTokens: 1000, maxRequests: 10 });
    await replicas[0].call({ userId, departmentId }, 100, 90);
    await replicas[0].commit();
    const [status] = await new QuotaStatusService(replicas[1].dataSource, config).status('user', userId);
    expect(status.used).toEqual({ tokens: '90', requests: '1', cost: '0' });
    expect(status.remaining).toMatchObject({ tokens: '910', requests: '9', cost: null });
    expect(new Date(status.resetsAt).getUTCHours() * 60 + new Date(status.resetsAt).getUTCMinutes()).toBe(18 * 60 + 30); // midnight in Kolkata
  });

  it('never exceeds a cost quota (maxCost), exactly to the last fraction, across replicas', async () => {
    await quota('department', departmentId, { maxCost: '1.00' });
    // each call is estimated and costs 0.07: 14 fit in 1.00 (0.98), the 15th would make 1.05
    const admitted = await hammer(120, 10, 10, { estimate: '0.07', actual: '0.07' });
    expect(admitted).toBe(14);
    const [row] = await admin.query(`SELECT used_cost::text AS cost, used_requests::int AS n FROM quota_usage`);
    expect(row).toEqual({ cost: '0.98', n: 14 });
    const refusal = await replicas[0].ledger.admit({ userId, departmentId }, { tokens: 1, cost: '0.07' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(QuotaExceededError);
    // "used" counts the room another replica's lease still holds (0.02) when that replica is not this one
    expect((refusal as QuotaExceededError).message).toMatch(/^department day cost quota exceeded: limit 1, used (0\.98|1)$/);
    expect((refusal as QuotaExceededError).dimension).toBe('cost');
    const [status] = await new QuotaStatusService(replicas[1].dataSource, config).status('department', departmentId);
    expect(status.used.cost).toBe('0.98');
    expect(status.remaining.cost).toBe('0.02');
  });

  it('counts actual cost, not the estimate, once a call is committed', async () => {
    await quota('user', userId, { maxCost: '0.5' });
    const subject = { userId, departmentId };
    const cost = { estimate: '0.2', actual: '0.1' }; // estimated at 0.2, really 0.1
    for (let i = 0; i < 4; i++) {
      expect(await replicas[0].call(subject, 10, 10, cost)).toBe(true);
      await replicas[0].commit();
    }
    // 0.4 used: the next estimate (0.2) no longer fits in the 0.1 left
    expect(await replicas[0].call(subject, 10, 10, cost)).toBe(false);
    const [status] = await new QuotaStatusService(replicas[0].dataSource, config).status('user', userId);
    expect(status.used).toEqual({ tokens: '40', requests: '4', cost: '0.4' });
    expect(status.remaining.cost).toBe('0.1');
    expect(await replicas[1].call(subject, 10, 10, { estimate: '0.1', actual: '0.1' })).toBe(false); // replica 0's lease holds what is left
  });
});
