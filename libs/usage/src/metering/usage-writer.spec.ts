import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../../../test/support/test-database';
import { usageRecord } from '../../../../test/support/usage-records';
import { UsageSpool } from './usage-spool';
import { UsageWriter } from './usage-writer';

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
    for (let i = 0; i < 2500; i++) writer.record(record({ status: i % 10 === 0 ? 502 : 200, cost: '0.0000001' }));
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
    first.record(already);
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
    records.forEach((r) => writer.record(r));
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
});
