import type { UsageRecord } from '@app/usage';
import { AdminApp, createAdminApp } from '../support/admin-app';
import { Seed } from '../support/seed';
import { createTestDatabase } from '@app/core/testing';
import { usageRecord, writeUsage } from '@app/usage/testing';

interface Point {
  bucket: string;
  requests: number;
  failedRequests: number;
  totalTokens: number;
  costs: Array<{ currency: string | null; cost: string }>;
}
interface Series extends Omit<Point, 'bucket'> {
  key: string | null;
  label: string | null;
  detail?: string | null;
  other: boolean;
  groups: number;
  points: Point[];
}
interface Timeseries {
  range: string | null;
  unit: 'hour' | 'day';
  groupBy: string | null;
  buckets: string[];
  groups: number;
  series: Series[];
}

/**
 * `GET /api/usage/timeseries` split by a dimension, against events written through the real
 * metering writer: one series per group with a value every bucket of a continuous axis in
 * APP_TIMEZONE (Asia/Shanghai, UTC+8), largest first, the rest folded, currencies apart, scoped.
 */
describe('usage over time by department, user and model (real PostgreSQL)', () => {
  let admin: AdminApp;
  let seed: Seed;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const password = 'a-long-password-for-tests';
  // 2026-11-10 09:00 to 12:00 in Shanghai
  const morning = 'from=2026-11-10T09:00:00%2B08:00&to=2026-11-10T12:00:00%2B08:00';
  const twoDays = 'from=2026-11-10T00:00:00%2B08:00&to=2026-11-12T00:00:00%2B08:00';

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    ids.rd = await seed.department('研发部');
    ids.ops = await seed.department('Ops');
    ids.provider = await seed.provider('openai', 'http://127.0.0.1:9/v1', 'sk', 'fake-openai');
    await seed.user({ departmentId: null, role: 'finance', email: 'fin@x.test', password });
    ids.lead = await seed.user({ departmentId: ids.rd, role: 'team_lead', email: 'lead@x.test', password });
    ids.ana = await seed.user({ departmentId: ids.rd, email: 'ana@x.test', name: 'Ana', password });
    ids.bo = await seed.user({ departmentId: ids.rd, email: 'bo@x.test', name: 'Bo' });
    ids.cy = await seed.user({ departmentId: ids.ops, email: 'cy@x.test', name: 'Cy' });
    const record = (overrides: Partial<UsageRecord>) =>
      usageRecord({ providerId: ids.provider, inputPrice: '1', outputPrice: '2', completionTokens: 0, ...overrides });
    await writeUsage(
      seed.dataSource,
      [
        {
          userId: ids.ana,
          departmentId: ids.rd,
          createdAt: '2026-11-10T01:10:00Z',
          model: 'qwen-plus',
          totalTokens: 100,
          promptTokens: 100,
          cost: '0.1',
          currency: 'CNY',
        },
        {
          userId: ids.ana,
          departmentId: ids.rd,
          createdAt: '2026-11-10T03:20:00Z',
          model: 'qwen-plus',
          totalTokens: 50,
          promptTokens: 50,
          cost: '0.05',
          currency: 'CNY',
        },
        {
          userId: ids.bo,
          departmentId: ids.rd,
          createdAt: '2026-11-10T01:40:00Z',
          model: 'gpt-x',
          totalTokens: 30,
          promptTokens: 30,
          cost: '0.5',
          currency: 'USD',
        },
        {
          userId: ids.bo,
          departmentId: ids.rd,
          createdAt: '2026-11-11T02:00:00Z',
          model: 'gpt-x',
          totalTokens: 20,
          promptTokens: 20,
          cost: '0.25',
          currency: 'USD',
          status: 500,
          errorCode: 'upstream_error',
        },
        {
          userId: ids.cy,
          departmentId: ids.ops,
          createdAt: '2026-11-10T02:00:00Z',
          model: 'qwen-plus',
          totalTokens: 7,
          promptTokens: 7,
          cost: '1',
          currency: 'CNY',
        },
      ].map(record),
    );
    admin = await createAdminApp(url, { APP_TIMEZONE: 'Asia/Shanghai' });
    tokens.finance = await admin.login('fin@x.test', password);
    tokens.lead = await admin.login('lead@x.test', password);
    tokens.ana = await admin.login('ana@x.test', password);
  });

  afterAll(async () => {
    await admin?.close();
    await seed?.close();
  });

  const get = async (path: string, token = tokens.finance) => {
    const res = await admin.call<Timeseries>('GET', path, token);
    expect(res.status).toBe(200);
    return res.body;
  };
  const tokensOf = (series: Series) => series.points.map((p) => p.totalTokens);

  it('splits by user: a series per person, largest first, zeros in quiet hours, labelled with names', async () => {
    const body = await get(`/api/usage/timeseries?${morning}&groupBy=user`);
    expect(body).toMatchObject({ range: null, unit: 'hour', groupBy: 'user', groups: 3 });
    expect(body.buckets).toEqual(['2026-11-10T09:00:00.000+08:00', '2026-11-10T10:00:00.000+08:00', '2026-11-10T11:00:00.000+08:00']);
    expect(body.series.map((s) => [s.key, s.label, s.detail, tokensOf(s)])).toEqual([
      [ids.ana, 'Ana', 'ana@x.test', [100, 0, 50]],
      [ids.bo, 'Bo', 'bo@x.test', [30, 0, 0]],
      [ids.cy, 'Cy', 'cy@x.test', [0, 7, 0]],
    ]);
    expect(body.series[0].points.map((p) => p.bucket)).toEqual(body.buckets);
    expect(body.series[0]).toMatchObject({ requests: 2, totalTokens: 150, costs: [{ currency: 'CNY', cost: '0.15' }], other: false, groups: 1 });
  });

  it('splits by department per day with costs per currency, never summed across them', async () => {
    const body = await get(`/api/usage/timeseries?${twoDays}&groupBy=department`);
    expect(body.unit).toBe('day');
    expect(body.buckets).toEqual(['2026-11-10T00:00:00.000+08:00', '2026-11-11T00:00:00.000+08:00']);
    const [rd, ops] = body.series;
    expect(rd).toMatchObject({ key: ids.rd, label: '研发部', requests: 4, failedRequests: 1, totalTokens: 200 });
    expect(rd.points.map((p) => [p.totalTokens, p.failedRequests])).toEqual([
      [180, 0],
      [20, 1],
    ]);
    expect(rd.points[0].costs).toEqual(
      expect.arrayContaining([
        { currency: 'CNY', cost: '0.15' },
        { currency: 'USD', cost: '0.5' },
      ]),
    );
    expect(rd.points[0].costs).toHaveLength(2);
    expect(rd.costs).toEqual(
      expect.arrayContaining([
        { currency: 'CNY', cost: '0.15' },
        { currency: 'USD', cost: '0.75' },
      ]),
    );
    expect(ops).toMatchObject({ key: ids.ops, label: 'Ops', totalTokens: 7, costs: [{ currency: 'CNY', cost: '1' }] });
    expect(tokensOf(ops)).toEqual([7, 0]);
  });

  it('splits by model, keeps the largest `limit` groups and folds the rest into one `other` series', async () => {
    const byModel = await get(`/api/usage/timeseries?${twoDays}&groupBy=model`);
    expect(byModel.series.map((s) => [s.label, tokensOf(s)])).toEqual([
      ['qwen-plus', [157, 0]],
      ['gpt-x', [30, 20]],
    ]);
    const folded = await get(`/api/usage/timeseries?${morning}&groupBy=user&limit=1`);
    expect(folded.groups).toBe(3);
    expect(folded.series.map((s) => [s.key, s.label, s.other, s.groups, tokensOf(s)])).toEqual([
      [ids.ana, 'Ana', false, 1, [100, 0, 50]],
      [null, null, true, 2, [30, 7, 0]],
    ]);
  });

  it('without a split: one series of totals over a continuous axis (a range, as the summary takes)', async () => {
    const body = await get(`/api/usage/timeseries?${morning}`);
    expect(body.series).toHaveLength(1);
    expect(body.series[0]).toMatchObject({ key: null, label: null, other: false, totalTokens: 187 });
    expect(tokensOf(body.series[0])).toEqual([130, 7, 50]);
    const today = await get('/api/usage/timeseries?range=today');
    expect(today).toMatchObject({ range: 'today', unit: 'hour', groupBy: null });
    expect(today.buckets[0]).toMatch(/T00:00:00\.000\+08:00$/);
    expect(today.series[0].points.every((p) => p.totalTokens === 0)).toBe(true);
    const week = await get('/api/usage/timeseries?range=7d&groupBy=user');
    expect(week).toMatchObject({ range: '7d', unit: 'day', series: [] });
    expect(week.buckets).toHaveLength(8);
  });

  it("gives a team lead their own department's groups only", async () => {
    const byUser = await get(`/api/usage/timeseries?${morning}&groupBy=user`, tokens.lead);
    expect(byUser.series.map((s) => s.label)).toEqual(['Ana', 'Bo']);
    const byDepartment = await get(`/api/usage/timeseries?${twoDays}&groupBy=department`, tokens.lead);
    expect(byDepartment.series.map((s) => s.label)).toEqual(['研发部']);
    expect((await admin.call('GET', `/api/usage/timeseries?${twoDays}&groupBy=user&departmentId=${ids.ops}`, tokens.lead)).status).toBe(403);
    const stranger = await get(`/api/usage/timeseries?${twoDays}&groupBy=model&userId=${ids.cy}`, tokens.lead);
    expect(stranger.series).toEqual([]);
    const oneUser = await get(`/api/usage/timeseries?${twoDays}&groupBy=model&userId=${ids.bo}`, tokens.lead);
    expect(oneUser.series.map((s) => [s.label, tokensOf(s)])).toEqual([['gpt-x', [30, 20]]]);
  });

  it('gives a developer their own usage by model, and no other split', async () => {
    const mine = await get(`/api/me/usage/timeseries?${twoDays}&groupBy=model`, tokens.ana);
    expect(mine.series.map((s) => [s.label, tokensOf(s)])).toEqual([['qwen-plus', [150, 0]]]);
    const res = await admin.call<{ errors: Array<{ field: string }> }>('GET', `/api/me/usage/timeseries?${twoDays}&groupBy=user`, tokens.ana);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('groupBy');
    expect((await admin.call('GET', `/api/usage/timeseries?${twoDays}`, tokens.ana)).status).toBe(403);
  });

  it('refuses a window that ends before it starts, or too many buckets, naming the field', async () => {
    const backwards = await admin.call<{ errors: Array<{ field: string }> }>(
      'GET',
      '/api/usage/timeseries?from=2026-11-10T00:00:00Z&to=2026-11-09T00:00:00Z',
      tokens.finance,
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0].field).toBe('from');
    const hours = await admin.call<{ errors: Array<{ field: string }> }>(
      'GET',
      '/api/usage/timeseries?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&bucket=hour',
      tokens.finance,
    );
    expect(hours.status).toBe(400);
    expect(hours.body.errors[0].field).toBe('to');
    expect((await admin.call('GET', '/api/usage/timeseries?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&bucket=day', tokens.finance)).status).toBe(200);
    expect((await admin.call('GET', '/api/usage/timeseries?groupBy=colour', tokens.finance)).status).toBe(400);
  });
});
