import type { UsageRecord } from '@app/usage';
import { usageRecord, writeUsage } from '@app/usage/testing';
import { Seed } from '../support/seed';
import { createTestDatabase } from '@app/core/testing';
import { AdminApp, createAdminApp } from '../support/admin-app';

/** RFC 4180 parsing of what the endpoint returned (quotes, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

describe('finance CSV report and usage summaries (real PostgreSQL, APP_TIMEZONE=Asia/Kolkata)', () => {
  let admin: AdminApp;
  let seed: Seed;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const password = 'a-long-password';

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    ids.rd = await seed.department('研发部');
    ids.evil = await seed.department('=HYPERLINK("http://evil","x")');
    ids.provider = await seed.provider('openai', 'http://127.0.0.1:9/v1', 'sk');
    ids.finance = await seed.user({ departmentId: null, role: 'finance', email: 'fin@x.test', password });
    ids.lead = await seed.user({ departmentId: ids.rd, role: 'team_lead', email: 'lead@x.test', password });
    ids.devRd = await seed.user({ departmentId: ids.rd, email: 'dev@x.test' });
    ids.devEvil = await seed.user({ departmentId: ids.evil, email: '+cmd@x.test' });

    // Events written through the real metering writer. Kolkata is UTC+5:30: 2026-11-09T18:29Z is
    // still the 9th there, 18:30Z is already the 10th.
    const events: Array<Partial<UsageRecord>> = [
      {
        userId: ids.devRd,
        departmentId: ids.rd,
        createdAt: '2026-11-09T18:29:00.000Z',
        totalTokens: 100,
        promptTokens: 60,
        completionTokens: 40,
        cost: '0.1234564',
        currency: 'CNY',
      },
      {
        userId: ids.devRd,
        departmentId: ids.rd,
        createdAt: '2026-11-09T18:30:00.000Z',
        totalTokens: 50,
        promptTokens: 30,
        completionTokens: 20,
        cost: '0.0000004',
        currency: 'CNY',
      },
      {
        userId: ids.devRd,
        departmentId: ids.rd,
        createdAt: '2026-11-10T10:00:00.000Z',
        totalTokens: 0,
        promptTokens: 0,
        completionTokens: 0,
        cost: '0',
        currency: 'CNY',
        status: 502,
        errorCode: 'upstream_unavailable',
      },
      {
        userId: ids.devRd,
        departmentId: ids.rd,
        createdAt: '2026-11-10T11:00:00.000Z',
        totalTokens: 10,
        promptTokens: 10,
        completionTokens: 0,
        cost: '0.5',
        currency: 'USD',
        model: 'gpt-x',
      },
      {
        userId: ids.devEvil,
        departmentId: ids.evil,
        createdAt: '2026-11-10T12:00:00.000Z',
        totalTokens: 7,
        promptTokens: 7,
        completionTokens: 0,
        cost: '1',
        currency: 'CNY',
      },
    ];
    await writeUsage(seed.dataSource, events.map(record));

    admin = await createAdminApp(url, { APP_TIMEZONE: 'Asia/Kolkata' });
    tokens.finance = await admin.login('fin@x.test', password);
    tokens.lead = await admin.login('lead@x.test', password);
  });

  afterAll(async () => {
    await admin?.close();
    await seed?.close();
  });

  const record = (overrides: Partial<UsageRecord>) => usageRecord({ providerId: ids.provider, inputPrice: '1', outputPrice: '2', ...overrides });

  async function csv(token: string, query: string) {
    const res = await fetch(`${admin.url}/api/reports/usage.csv?${query}`, { headers: { authorization: `Bearer ${token}` } });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { res, bytes, rows: parseCsv(bytes.toString('utf8').replace(/^\uFEFF/, '')) };
  }

  it('exports department × day rows with a BOM, days in APP_TIMEZONE, currencies apart, failures counted', async () => {
    const { res, bytes, rows } = await csv(tokens.finance, 'from=2026-11-09&to=2026-11-10&groupBy=department,day');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('attachment');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(rows[0]).toEqual([
      'department',
      'day',
      'requests',
      'failed_requests',
      'prompt_tokens',
      'completion_tokens',
      'cached_tokens',
      'cache_write_tokens',
      'reasoning_tokens',
      'total_tokens',
      'cost',
      'currency',
    ]);
    const body = rows.slice(1);
    expect(body).toContainEqual(['研发部', '2026-11-09', '1', '0', '60', '40', '0', '0', '0', '100', '0.123456', 'CNY']);
    expect(body).toContainEqual(['研发部', '2026-11-10', '2', '1', '30', '20', '0', '0', '0', '50', '0', 'CNY']);
    expect(body).toContainEqual(['研发部', '2026-11-10', '1', '0', '10', '0', '0', '0', '0', '10', '0.5', 'USD']);
    expect(body).toContainEqual([`'=HYPERLINK("http://evil","x")`, '2026-11-10', '1', '0', '7', '0', '0', '0', '0', '7', '1', 'CNY']);
    expect(body).toHaveLength(4);
  });

  it('sums exactly to the metered events', async () => {
    const { rows } = await csv(tokens.finance, 'from=2026-11-01&to=2026-11-30&groupBy=department');
    const tokensCsv = rows.slice(1).reduce((sum, row) => sum + Number(row[8]), 0);
    const requestsCsv = rows.slice(1).reduce((sum, row) => sum + Number(row[1]), 0);
    const [events] = await seed.dataSource.query(`SELECT count(*)::int AS n, sum(total_tokens)::int AS t FROM usage_events`);
    expect([requestsCsv, tokensCsv]).toEqual([events.n, events.t]);
  });

  it('neutralises user-controlled cells and quotes per RFC 4180', async () => {
    const { rows } = await csv(tokens.finance, 'from=2026-11-01&to=2026-11-30&groupBy=user');
    expect(rows.slice(1).map((row) => row[0])).toEqual(expect.arrayContaining(["'+cmd@x.test", 'dev@x.test']));
  });

  it('gives a team lead their own department only', async () => {
    const { rows } = await csv(tokens.lead, 'from=2026-11-01&to=2026-11-30&groupBy=department,model');
    expect(rows.slice(1).map((row) => row[0])).toEqual(['研发部', '研发部']);
  });

  it('refuses bad parameters with the field named', async () => {
    const bad = await admin.call('GET', '/api/reports/usage.csv?from=2026-13-01&to=2026-11-30', tokens.finance);
    expect(bad.status).toBe(400);
    const badGroup = await admin.call('GET', '/api/reports/usage.csv?from=2026-11-01&to=2026-11-30&groupBy=planet', tokens.finance);
    expect(badGroup.status).toBe(400);
    expect(JSON.stringify(badGroup.body.message)).toContain('groupBy');
  });

  it('keeps a summary per currency and dimension, scoped for team leads', async () => {
    const summary = await admin.call('GET', '/api/usage/summary?range=30d&groupBy=department', tokens.finance);
    expect(summary.status).toBe(200);
    const lead = await admin.call('GET', `/api/usage/summary?range=30d&groupBy=department&departmentId=${ids.evil}`, tokens.lead);
    expect(lead.status).toBe(403);
  });

  it('maintains monthly partitions ahead', async () => {
    const rows = await seed.dataSource.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'usage_events'`,
    );
    const now = new Date();
    const ahead = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 3, 1));
    const name = `usage_events_${ahead.getUTCFullYear()}${String(ahead.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(rows.map((r: { name: string }) => r.name)).toContain(name);
  });
});
