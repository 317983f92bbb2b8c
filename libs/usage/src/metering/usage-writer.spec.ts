import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { createTestDatabase } from '@app/core/testing';
import { usageRecord } from '../testing/usage-records';
import { UsageSpool } from './usage-spool';
import { CommittedCharge, UsageWriter } from './usage-writer';
import type { QuarantineNotice } from './usage-quarantine';

const logger = pino({ level: 'silent' });
const noQuotas = {
  applyCommitted: () => Promise.reject(new Error('no quota charges expected in this suite')),
};

const record = usageRecord;

describe('UsageWriter (real PostgreSQL)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource({ type: 'postgres', url: await createTestDatabase() });
    await dataSource.initialize();
  });
  afterAll(() => dataSource.destroy());

  it('writes events in batches with exact rollups, and deletes spool segments once committed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spool-'));
    const writer = new UsageWriter(dataSource, new UsageSpool(dir, 'replica-a'), noQuotas, logger);
    writer.start();
    for (let i = 0; i < 2500; i++) void writer.record(record({ status: i % 10 === 0 ? 502 : 200, cost: '0.0000001' }));
    expect(await writer.drain()).toBe(true);
    await writer.stop();

    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM usage_events`);
    expect(n).toBe(2500);
    const [sums] = await dataSource.query(
      `SELECT sum(requests)::int AS requests, sum(failed_requests)::int AS failed, sum(total_tokens)::int AS tokens, sum(cost)::text AS cost FROM usage_rollups`,
    );
    expect(sums).toEqual({ requests: 2500, failed: 250, tokens: 2500 * 15, cost: '0.00025' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.ndjson'))).toEqual([]);
  });

  it('replays a dead process’s spool exactly once, skipping events already written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spool-'));
    const already = record();
    const lost = [record(), record(), record()];
    // the dead process had written `already` to PostgreSQL before it died
    const first = new UsageWriter(dataSource, new UsageSpool(dir, 'first'), noQuotas, logger);
    first.start();
    void first.record(already);
    await first.drain();
    await first.stop();
    // its spool still held all four lines (plus a torn last write) when it was killed
    writeFileSync(join(dir, 'dead-replica.0.ndjson'), [already, ...lost].map((r) => JSON.stringify(r)).join('\n') + '\n{"id":"tor');

    const before = (await dataSource.query(`SELECT count(*)::int AS n FROM usage_events`))[0].n;
    const second = new UsageWriter(dataSource, new UsageSpool(dir, 'second'), noQuotas, logger);
    second.start();
    await second.drain();
    await second.stop();
    const after = (await dataSource.query(`SELECT count(*)::int AS n FROM usage_events`))[0].n;
    expect(after - before).toBe(3);
    const ids = (await dataSource.query(`SELECT id FROM usage_events WHERE id = ANY($1)`, [lost.map((r) => r.id)])).map((r: { id: string }) => r.id);
    expect(ids.sort()).toEqual(lost.map((r) => r.id).sort());
    expect(readdirSync(dir).filter((f) => f.includes('ndjson'))).toEqual([]);
  });

  it('keeps events spooled while the database is unreachable and writes them when it returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spool-'));
    const unreachable = new DataSource({ type: 'postgres', url: 'postgres://nobody:x@127.0.0.1:1/none', extra: { connectionTimeoutMillis: 200 } });
    const writer = new UsageWriter(unreachable, new UsageSpool(dir, 'offline'), noQuotas, logger);
    writer.start();
    const records = [record(), record()];
    records.forEach((r) => void writer.record(r));
    expect(await writer.drain(600)).toBe(false);
    expect(writer.stats.failures).toBeGreaterThan(0);
    await writer.stop(100);
    // the process ends; a later process on the same DATA_DIR (database back) replays them
    const recovered = new UsageWriter(dataSource, new UsageSpool(dir, 'recovered'), noQuotas, logger);
    recovered.start();
    expect(await recovered.drain()).toBe(true);
    await recovered.stop();
    const found = await dataSource.query(`SELECT count(*)::int AS n FROM usage_events WHERE id = ANY($1)`, [records.map((r) => r.id)]);
    expect(found[0].n).toBe(2);
  });

  it('group-commits the spool: the records of one event-loop turn in one write, durable before their promises resolve', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spool-'));
    const writer = new UsageWriter(dataSource, new UsageSpool(dir, 'grouped'), noQuotas, logger);
    writer.start();
    const spooled = () =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.ndjson'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('')
        .split('\n')
        .filter(Boolean).length;
    const records = [record(), record(), record()];
    const promises = records.map((r) => writer.record(r));
    expect(new Set(promises).size).toBe(1); // one group, one write
    expect(spooled()).toBe(0); // not written yet: the caller must not end its response before...
    expect(writer.queued).toBe(3);
    await promises[0];
    expect(spooled()).toBe(3); // ...this
    expect(await writer.drain()).toBe(true);
    await writer.stop();
    expect((await dataSource.query(`SELECT count(*)::int AS n FROM usage_events WHERE id = ANY($1::uuid[])`, [records.map((r) => r.id)]))[0].n).toBe(3);
  });

  describe('no record can stop the others', () => {
    const userId = '00000000-0000-4000-8000-000000000001';

    /** A quota sink that records what the writer committed to quotas. */
    function recordingSink() {
      const committed: CommittedCharge[] = [];
      return { committed, sink: { applyCommitted: (_m: unknown, items: CommittedCharge[]) => Promise.resolve(void committed.push(...items)) } };
    }

    async function countEvents(ids: string[]): Promise<number> {
      return (await dataSource.query(`SELECT count(*)::int AS n FROM usage_events WHERE id = ANY($1::uuid[])`, [ids]))[0].n;
    }

    it('isolates a record the database refuses: raw record quarantined, a cleaned copy and the rest committed', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'spool-'));
      const { committed, sink } = recordingSink();
      const writer = new UsageWriter(dataSource, new UsageSpool(dir, 'poisoned'), sink, logger);
      const notices: QuarantineNotice[] = [];
      writer.observe({ onQuarantine: (notice) => notices.push(notice) });
      writer.start();
      const charge = { quotaId: '00000000-0000-4000-8000-00000000c0c0', periodStart: new Date().toISOString() };
      const ordinary = Array.from({ length: 40 }, () => record());
      // A provider id that is no UUID gets past the edge cleaning and is refused by PostgreSQL (22P02).
      const poison = record({ providerId: 'not-a-uuid', quotaCharges: [charge], totalTokens: 77, cost: '0.5' });
      ordinary.slice(0, 20).forEach((r) => void writer.record(r));
      void writer.record(poison);
      ordinary.slice(20).forEach((r) => void writer.record(r));
      expect(await writer.drain()).toBe(true);
      await writer.stop();

      expect(await countEvents([...ordinary, poison].map((r) => r.id))).toBe(41);
      const [copy] = await dataSource.query(`SELECT provider_id, total_tokens, cost::text FROM usage_events WHERE id = $1`, [poison.id]);
      expect(copy).toEqual({ provider_id: null, total_tokens: 77, cost: '0.5' });
      const rows = await dataSource.query(`SELECT raw, error, sqlstate, cleaned_copy_committed FROM usage_quarantine WHERE event_id = $1`, [poison.id]);
      expect(rows).toHaveLength(1);
      expect(JSON.parse(rows[0].raw)).toEqual(poison);
      expect(rows[0]).toMatchObject({ sqlstate: '22P02', cleaned_copy_committed: true });
      expect(rows[0].error).toContain('uuid');
      // the call's quota amounts still commit, exactly once
      expect(committed.filter((c) => c.charges[0]?.quotaId === charge.quotaId)).toEqual([{ charges: [charge], replicaId: 'test', tokens: 77, cost: '0.5' }]);
      expect(writer.stats.quarantined).toBe(1);
      expect(notices).toEqual([{ eventId: poison.id, sqlstate: '22P02', cleanedCopyCommitted: true }]);
      expect(readdirSync(dir).filter((f) => f.endsWith('.ndjson'))).toEqual([]);
    });

    it('cleans what clients and providers control before it is spooled', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'spool-'));
      const writer = new UsageWriter(dataSource, new UsageSpool(dir, 'edge'), noQuotas, logger);
      writer.start();
      const hostile = record({ model: 'm\u0000x', errorCode: `a\ud800b\u0000${'c'.repeat(10_000)}` });
      void writer.record(hostile);
      expect(await writer.drain()).toBe(true);
      await writer.stop();
      const [event] = await dataSource.query(`SELECT model, error_code FROM usage_events WHERE id = $1`, [hostile.id]);
      expect(event.model).toBe('mx');
      expect(event.error_code).toBe(`a\ufffdb${'c'.repeat(125)}`);
      expect(writer.stats.quarantined).toBe(0);
    });

    it('replays a poisoned spool segment of a previous process, then meters everything else', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'spool-'));
      // written by a version that did not clean at the edge: NUL in the model and the error code,
      // a 10,000-character error code, a line that is no usage record, and ordinary records
      const poisons = [
        record({ model: 'm\u0000x' }),
        record({ errorCode: 'e\u0000' }),
        record({ model: randomBytes(5_000).toString('hex') }), // too big for the rollup key's index entry
        record({ cost: 'a lot' }),
      ];
      const ordinary = [record(), record(), record()];
      const lines = [ordinary[0], ...poisons, ordinary[1], ordinary[2]].map((r) => JSON.stringify(r));
      lines.splice(3, 0, JSON.stringify({ hello: 'not a usage record' }));
      writeFileSync(join(dir, 'old-replica.0.ndjson'), lines.join('\n') + '\n');

      const writer = new UsageWriter(dataSource, new UsageSpool(dir, 'after-restart'), noQuotas, logger);
      writer.start();
      const later = [record(), record()];
      later.forEach((r) => void writer.record(r));
      expect(await writer.drain()).toBe(true);
      await writer.stop();

      expect(await countEvents([...ordinary, ...later, ...poisons].map((r) => r.id))).toBe(ordinary.length + later.length + poisons.length);
      const copies = await dataSource.query(`SELECT id, model, error_code, cost::text FROM usage_events WHERE id = ANY($1::uuid[]) ORDER BY model`, [
        poisons.map((r) => r.id),
      ]);
      expect(copies.find((c: { id: string }) => c.id === poisons[0].id).model).toBe('mx');
      expect(copies.find((c: { id: string }) => c.id === poisons[1].id).error_code).toBe('e');
      expect(copies.find((c: { id: string }) => c.id === poisons[2].id).model.length).toBe(256);
      expect(copies.find((c: { id: string }) => c.id === poisons[3].id).cost).toBe('0');
      const quarantined = await dataSource.query(`SELECT event_id FROM usage_quarantine WHERE event_id = ANY($1) OR raw LIKE '%not a usage record%'`, [
        poisons.map((r) => r.id),
      ]);
      expect(quarantined).toHaveLength(5);
      expect(writer.stats.quarantined).toBe(5);
      expect(readdirSync(dir).filter((f) => f.includes('ndjson'))).toEqual([]);
    });

    it('retries a batch whole when the database is away, and reports how old the oldest unwritten event is', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'spool-'));
      const unreachable = new DataSource({ type: 'postgres', url: 'postgres://nobody:x@127.0.0.1:1/none', extra: { connectionTimeoutMillis: 200 } });
      const writer = new UsageWriter(unreachable, new UsageSpool(dir, 'stalled'), noQuotas, logger);
      writer.start();
      expect(writer.oldestPendingMs()).toBe(0);
      void writer.record(record({ userId }));
      expect(await writer.drain(400)).toBe(false);
      expect(writer.oldestPendingMs()).toBeGreaterThanOrEqual(350);
      expect(writer.stats.quarantined).toBe(0);
      await writer.stop(50);
    });
  });
});
