import { request } from 'undici';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';
import { createTestDatabase, waitFor } from '@app/core/testing';

/**
 * Two gateway replicas (each its own key cache, quota ledger and leases) on one database, hit
 * concurrently: the user's daily request quota and the department's token quota stop exactly.
 */
describe('quotas exact across two gateway replicas', () => {
  let seed: Seed;
  let fake: FakeProvider;
  let replicas: RunningGateway[];

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    fake = await FakeProvider.start('openai', { completionTokens: 10 });
    const providerId = await seed.provider('openai', fake.baseUrl, fake.apiKey);
    await seed.model('gpt-test', providerId, { input: '1', output: '1', currency: 'USD' });
    replicas = [await startGateway(url, { APP_TIMEZONE: 'Asia/Kathmandu' }), await startGateway(url, { APP_TIMEZONE: 'Asia/Kathmandu' })];
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await fake?.close();
    await seed?.close();
  });

  async function fire(keys: string[], total: number) {
    const statuses = await Promise.all(
      Array.from({ length: total }, async (_, i) => {
        const res = await request(`${replicas[i % 2].url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${keys[i % keys.length]}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'one two' }], max_tokens: 10 }),
        });
        await res.body.dump();
        return res.statusCode;
      }),
    );
    return {
      ok: statuses.filter((s) => s === 200).length,
      refused: statuses.filter((s) => s === 429).length,
      other: statuses.filter((s) => s !== 200 && s !== 429),
    };
  }

  /** The subject's quota usage once every served call's settlement has been committed. */
  async function committedUsage(subjectId: string, served: number): Promise<{ requests: number; tokens: number; cost: string }> {
    return waitFor(async () => {
      const [usage] = await seed.dataSource.query<Array<{ requests: number; tokens: number; cost: string } | undefined>>(
        `SELECT used_requests::int AS requests, used_tokens::int AS tokens, used_cost::text AS cost FROM quota_usage u JOIN quotas q ON q.id = u.quota_id WHERE q.subject_id = $1`,
        [subjectId],
      );
      return usage?.requests === served ? usage : undefined;
    }, `quota usage of ${served} committed requests`);
  }

  it('never exceeds a user’s request quota', async () => {
    const dev = await seed.developer();
    await seed.dataSource.query(`INSERT INTO quotas (scope, subject_id, period, max_requests) VALUES ('user', $1, 'day', 25)`, [dev.userId]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const result = await fire([dev.key], 120);
    expect(result).toEqual({ ok: 25, refused: 95, other: [] });
    expect(await committedUsage(dev.userId, 25)).toMatchObject({ requests: 25 });
  });

  it('binds the department quota on all its members together', async () => {
    const departmentId = await seed.department('Shared budget');
    const keys: string[] = [];
    for (let i = 0; i < 3; i++) keys.push((await seed.apiKey(await seed.user({ departmentId }))).key);
    // each call: 1 message × (2 words + 3) prompt tokens estimated ≥ 5 by the tokenizer, + max_tokens 10
    await seed.dataSource.query(`INSERT INTO quotas (scope, subject_id, period, max_tokens) VALUES ('department', $1, 'week', 300)`, [departmentId]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const result = await fire(keys, 90);
    expect(result.other).toEqual([]);
    expect(result.ok).toBeGreaterThan(0);
    const usage = await committedUsage(departmentId, result.ok);
    expect(usage.requests).toBe(result.ok);
    expect(usage.tokens).toBeLessThanOrEqual(300); // estimates hold (max_tokens given): never over
  });

  it('stops a cost quota (maxCost) exactly, in exact decimals, across both replicas', async () => {
    const dev = await seed.developer();
    // one call costs (prompt + 10 completion tokens) × 1 USD per 1M tokens ≈ 0.000015–0.00002 USD
    await seed.dataSource.query(`INSERT INTO quotas (scope, subject_id, period, max_cost) VALUES ('user', $1, 'month', '0.0003')`, [dev.userId]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const result = await fire([dev.key], 60);
    expect(result.other).toEqual([]);
    expect(result.ok).toBeGreaterThan(5);
    expect(result.refused).toBeGreaterThan(0);
    const usage = await committedUsage(dev.userId, result.ok);
    const [metered] = await seed.dataSource.query(
      `SELECT sum(cost)::text AS cost, count(*)::int AS requests FROM usage_events WHERE user_id = $1 AND status = 200`,
      [dev.userId],
    );
    expect(usage.requests).toBe(result.ok);
    expect(metered.requests).toBe(result.ok);
    expect(Number(usage.cost)).toBeLessThanOrEqual(0.0003); // never over the limit
    expect(usage.cost).toBe(metered.cost); // the quota's cost is the metered cost, to the last decimal
  });
});
