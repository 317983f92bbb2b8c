import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import type { UsageRecord } from '../metering/usage-record';
import { UsageSpool } from '../metering/usage-spool';
import { UsageWriter } from '../metering/usage-writer';

/** A served, priced chat call as the gateway records it; override what the test is about. */
export function usageRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    userId: '00000000-0000-4000-8000-000000000001',
    departmentId: '00000000-0000-4000-8000-0000000000d1',
    apiKeyId: '00000000-0000-4000-8000-0000000000a1',
    providerId: '00000000-0000-4000-8000-0000000000b1',
    model: 'qwen-plus',
    endpoint: 'chat.completions',
    stream: false,
    status: 200,
    latencyMs: 12,
    ttftMs: null,
    promptTokens: 10,
    completionTokens: 5,
    cachedTokens: 0,
    reasoningTokens: 0,
    totalTokens: 15,
    cost: '0.000001',
    currency: 'CNY',
    inputPrice: '0.8',
    outputPrice: '2',
    cachedInputPrice: null,
    estimated: false,
    errorCode: null,
    quotaCharges: [],
    replicaId: 'test',
    ...overrides,
  };
}

/** Writes records through the real metering writer (spool, batch insert, rollups) and waits until they are in. */
export async function writeUsage(dataSource: DataSource, records: UsageRecord[]): Promise<void> {
  const writer = new UsageWriter(
    dataSource,
    new UsageSpool(mkdtempSync(join(tmpdir(), 'spool-')), `test-${randomUUID().slice(0, 8)}`),
    { applyCommitted: async () => undefined },
    pino({ level: 'silent' }),
  );
  writer.start();
  for (const record of records) writer.record(record);
  await writer.drain();
  await writer.stop();
}
