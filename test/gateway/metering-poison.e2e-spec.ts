import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeProvider } from '../support/fake-provider';
import { freePort } from '../support/free-port';
import { GatewayProcess } from '../support/gateway-process';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase } from '@app/core/testing';
import { usageRecord } from '@app/usage/testing';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Issue 12, item 1 (DESIGN.md §5): no request, no provider answer and no spooled line can stop
 * metering. Hostile model names are refused at the edge, hostile provider error codes are
 * stored cleaned, a poisoned spool segment left on disk by an earlier process is replayed (the
 * refused records quarantined, cleaned copies committed) — and every ordinary call after all of
 * that is metered. A writer that cannot write makes /healthz fail and raises an alert.
 */
describe('metering survives hostile input (real gateway, real PostgreSQL)', () => {
  jest.setTimeout(120_000);

  let url: string;
  let seed: Seed;
  let fake: FakeProvider;
  let dev: { userId: string; departmentId: string; key: string; apiKeyId: string };

  beforeAll(async () => {
    url = await createTestDatabase();
    seed = await Seed.connect(url);
    fake = await FakeProvider.start('openai');
    await seed.model('gpt-test', await seed.provider('openai', fake.baseUrl, fake.apiKey));
    dev = await seed.developer();
  });

  afterAll(async () => {
    await fake?.close();
    await seed?.close();
  });

  const chat = (base: string, model: unknown, key = dev.key) =>
    fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'count me' }] }),
    });

  /** Waits until every id has its one usage event; returns the events. */
  async function eventsFor(ids: string[], timeoutMs = 15_000): Promise<Array<{ id: string; model: string | null; error_code: string | null; status: number }>> {
    const deadline = Date.now() + timeoutMs;
    let rows: Array<{ id: string; model: string | null; error_code: string | null; status: number }> = [];
    while (Date.now() < deadline) {
      rows = await seed.dataSource.query(`SELECT id::text, model, error_code, status FROM usage_events WHERE id = ANY($1::uuid[])`, [ids]);
      if (rows.length >= ids.length) break;
      await sleep(100);
    }
    return rows;
  }

  describe('in one gateway', () => {
    let gateway: RunningGateway;

    beforeAll(async () => {
      gateway = await startGateway(url);
    });
    afterAll(() => gateway?.close());
    afterEach(() => fake.reset());

    it('refuses hostile model names with 400 naming `model`, and still meters each call', async () => {
      const ids: string[] = [];
      for (const model of ['m\u0000x', 'a\ud800b', 'x'.repeat(5_000), 'bell\u0007']) {
        const res = await chat(gateway.url, model);
        expect(res.status).toBe(400);
        const body = (await res.json()) as { error: { code: string; param: string; message: string } };
        expect(body.error).toMatchObject({ code: 'invalid_request', param: 'model' });
        expect(body.error.message).not.toContain('xxxxx');
        ids.push(res.headers.get('x-request-id')!);
      }
      const events = await eventsFor(ids);
      expect(events).toHaveLength(ids.length);
      expect(events.every((e) => e.status === 400)).toBe(true);
    });

    it('stores hostile provider error codes cleaned, and meters every ordinary call after them', async () => {
      const hostileCodes = ['bad\u0000code', 'lone\ud800surrogate', 'c'.repeat(10_000), '\u0000'.repeat(3)];
      const refusedIds: string[] = [];
      for (const code of hostileCodes) {
        fake.mode = { type: 'error', status: 400, body: { error: { message: 'no', type: 'invalid_request_error', code } } };
        const res = await chat(gateway.url, 'gpt-test');
        expect(res.status).toBe(400);
        await res.text();
        refusedIds.push(res.headers.get('x-request-id')!);
      }
      fake.reset();
      const served: string[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await chat(gateway.url, 'gpt-test');
        expect(res.status).toBe(200);
        await res.text();
        served.push(res.headers.get('x-request-id')!);
      }
      const events = await eventsFor([...refusedIds, ...served]);
      expect(events).toHaveLength(refusedIds.length + served.length);
      const codes = refusedIds.map((id) => events.find((e) => e.id === id)!.error_code);
      expect(codes[0]).toBe('badcode');
      expect(codes[1]).toBe('lone\ufffdsurrogate');
      expect(codes[2]).toBe('c'.repeat(128));
      expect(codes[3]).toBe('');
      expect(await seed.dataSource.query(`SELECT event_id FROM usage_quarantine WHERE event_id = ANY($1)`, [[...refusedIds, ...served]])).toEqual([]);
    });

    it('counts models outside the catalog as `unknown` in the metrics, whatever their names', async () => {
      for (let i = 0; i < 25; i++) await chat(gateway.url, `made-up-${randomUUID()}`).then((r) => r.text());
      fake.mode = { type: 'error', status: 500, body: { error: { code: `random-${randomUUID()}` } } };
      await chat(gateway.url, 'gpt-test').then((r) => r.text());
      await chat(gateway.url, 'bad\u0000name').then((r) => r.text());
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(text).toMatch(/tollgate_gateway_requests_total\{endpoint="chat.completions",model="unknown",status="404"\} 25/);
      expect(text).not.toContain('made-up-');
      expect(text).toMatch(/tollgate_gateway_provider_errors_total\{provider="[0-9a-f-]+",code="random-[0-9a-f-]+"\} 1/);
      expect(text).not.toContain('\\u0000');
      expect(text).not.toContain('\u0000');
    });

    it('answers /healthz 200 while usage is being written', async () => {
      const res = await fetch(`${gateway.url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', database: 'up', usageWriter: { state: 'writing' }, causes: [] });
    });
  });

  describe('a writer that cannot write', () => {
    let proxy: TcpProxy;
    let gateway: RunningGateway;
    let webhook: Server;
    const alerts: Array<{ type: string; message: string }> = [];

    beforeAll(async () => {
      proxy = await TcpProxy.start(Number(new URL(url).port));
      const viaProxy = new URL(url);
      viaProxy.port = String(proxy.port);
      webhook = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          alerts.push(JSON.parse(body) as { type: string; message: string });
          res.end();
        });
      });
      await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
      const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alerts`;
      gateway = await startGateway(viaProxy.toString(), { USAGE_STALL_SECONDS: '1', ALERT_WEBHOOK_URL: webhookUrl });
    });

    afterAll(async () => {
      await gateway?.close();
      await proxy?.close();
      await new Promise((resolve) => webhook?.close(resolve));
    });

    it('fails /healthz naming the cause and raises an alert, while /livez stays 200; recovers when writing resumes', async () => {
      await chat(gateway.url, 'gpt-test').then((r) => r.text()); // key and catalog cached
      proxy.cut();
      const served = await chat(gateway.url, 'gpt-test');
      expect(served.status).toBe(200);
      await served.text();
      const id = served.headers.get('x-request-id')!;

      // the database is seen down at once; the writer is stalled once its oldest event is 1 s old
      let status = 0;
      let report: { causes: string[]; usageWriter: { state: string } } = { causes: [], usageWriter: { state: '' } };
      for (let i = 0; i < 50 && report.usageWriter.state !== 'stalled'; i++) {
        const res = await fetch(`${gateway.url}/healthz`);
        status = res.status;
        report = (await res.json()) as typeof report;
        if (report.usageWriter.state !== 'stalled') await sleep(100);
      }
      expect(status).toBe(503);
      expect(report.usageWriter.state).toBe('stalled');
      expect(report.causes.join(' ')).toMatch(/usage writer stalled/);
      expect((await fetch(`${gateway.url}/livez`)).status).toBe(200);
      for (let i = 0; i < 30 && !alerts.some((a) => a.type === 'usage_writer_stalled'); i++) await sleep(100);
      expect(alerts.map((a) => a.type)).toContain('usage_writer_stalled');
      expect(await (await fetch(`${gateway.url}/metrics`)).text()).toMatch(/tollgate_usage_writer_stalled 1/);

      proxy.restore();
      expect(await eventsFor([id], 20_000)).toHaveLength(1);
      for (let i = 0; i < 50 && status !== 200; i++) {
        const res = await fetch(`${gateway.url}/healthz`);
        status = res.status;
        await res.text();
        if (status !== 200) await sleep(200);
      }
      expect(status).toBe(200);
    });
  });

  describe('after a restart with a poisoned spool segment on disk (real process)', () => {
    let gateway: GatewayProcess;

    afterAll(async () => {
      await gateway?.kill('SIGKILL');
    });

    it('replays the segment, quarantines what the database refuses, and meters everything else', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-poison-data-'));
      gateway = new GatewayProcess(await freePort(), { DATABASE_URL: url, DATA_DIR: dataDir });
      await gateway.start();
      const before = await chat(gateway.url, 'gpt-test');
      await before.text();
      await gateway.kill('SIGKILL');

      // What an earlier version spooled from hostile calls before it crashed: raw NULs in the
      // model and the error code, a lone surrogate, a label too large for an index entry, a
      // cost that is not a decimal, a line that is no usage record — around ordinary records.
      const subject = { userId: dev.userId, departmentId: dev.departmentId, apiKeyId: dev.apiKeyId };
      const poisons = [
        usageRecord({ ...subject, model: 'm\u0000x' }),
        usageRecord({ ...subject, errorCode: 'e\u0000', status: 400 }),
        usageRecord({ ...subject, model: Array.from({ length: 5_000 }, () => Math.random().toString(36).slice(2, 4)).join('') }),
        usageRecord({ ...subject, cost: 'lots' }),
        usageRecord({ ...subject, providerId: 'not-a-uuid' }),
      ];
      const ordinary = [usageRecord(subject), usageRecord(subject)];
      const lines = [ordinary[0], ...poisons, ordinary[1]].map((r) => JSON.stringify(r));
      lines.splice(2, 0, '{"not":"a usage record"}');
      mkdirSync(join(dataDir, 'spool'), { recursive: true });
      writeFileSync(join(dataDir, 'spool', `old-${randomUUID().slice(0, 8)}.0.ndjson`), lines.join('\n') + '\n');

      await gateway.start();
      const after: string[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await chat(gateway.url, 'gpt-test');
        expect(res.status).toBe(200);
        await res.text();
        after.push(res.headers.get('x-request-id')!);
      }
      const all = [before.headers.get('x-request-id')!, ...ordinary.map((r) => r.id), ...poisons.map((r) => r.id), ...after];
      const events = await eventsFor(all, 20_000);
      expect(events).toHaveLength(all.length);
      const byId = new Map(events.map((e) => [e.id, e]));
      expect(byId.get(poisons[0].id)!.model).toBe('mx');
      expect(byId.get(poisons[1].id)!.error_code).toBe('e');
      expect(byId.get(poisons[2].id)!.model!.length).toBe(256);
      const quarantined: Array<{ event_id: string; cleaned_copy_committed: boolean }> = await seed.dataSource.query(
        `SELECT event_id, cleaned_copy_committed FROM usage_quarantine WHERE event_id = ANY($1) OR raw = '{"not":"a usage record"}'`,
        [poisons.map((r) => r.id)],
      );
      expect(quarantined).toHaveLength(poisons.length + 1);
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).toMatch(/tollgate_usage_quarantined_total\{copy="committed"\} 5/);
      expect(metrics).toMatch(/tollgate_usage_quarantined_total\{copy="refused"\} 1/);
      const health = await fetch(`${gateway.url}/healthz`);
      expect(health.status).toBe(200);
    });
  });
});
