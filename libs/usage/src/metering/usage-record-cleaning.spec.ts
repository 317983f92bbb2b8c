import { randomUUID } from 'node:crypto';
import { isUsageRecordShape, repairUsageRecord, sanitiseUsageRecord } from './usage-record-cleaning';
import type { UsageRecord } from './usage-record';

function record(overrides: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    userId: randomUUID(),
    departmentId: null,
    apiKeyId: randomUUID(),
    providerId: randomUUID(),
    model: 'qwen-plus',
    endpoint: 'chat.completions',
    stream: false,
    status: 200,
    latencyMs: 3,
    ttftMs: null,
    promptTokens: 1,
    completionTokens: 2,
    cachedTokens: 0,
    reasoningTokens: 0,
    totalTokens: 3,
    cost: '0.5',
    currency: 'CNY',
    inputPrice: '1',
    outputPrice: '2',
    cachedInputPrice: null,
    estimated: false,
    errorCode: null,
    quotaCharges: [],
    replicaId: 'r1',
    ...overrides,
  };
}

describe('sanitiseUsageRecord', () => {
  it('returns a clean record itself (nothing allocated on the common path)', () => {
    const clean = record();
    expect(sanitiseUsageRecord(clean)).toBe(clean);
  });

  it('cleans model, error code and currency that clients or providers control', () => {
    const dirty = record({ model: 'm\u0000x', errorCode: `e\u0000${'c'.repeat(10_000)}\ud800`, currency: 'C\u0000NY' });
    const cleaned = sanitiseUsageRecord(dirty);
    expect(cleaned).not.toBe(dirty);
    expect(cleaned.model).toBe('mx');
    expect(cleaned.errorCode).toHaveLength(128);
    expect(cleaned.errorCode).not.toContain('\u0000');
    expect(cleaned.currency).toBe('CNY');
    expect(dirty.model).toBe('m\u0000x'); // the original is not modified
  });

  it('brings counts a provider may overstate into the int4 columns', () => {
    const cleaned = sanitiseUsageRecord(record({ promptTokens: 5e12, completionTokens: -3, totalTokens: 1.5, ttftMs: Number.NaN }));
    expect(cleaned).toMatchObject({ promptTokens: 2_147_483_647, completionTokens: 0, totalTokens: 2, ttftMs: 0 });
  });
});

describe('repairUsageRecord', () => {
  it('keeps id, amounts and quota charges while forcing every field into its column', () => {
    const charge = { quotaId: randomUUID(), periodStart: new Date().toISOString() };
    const raw = record({
      model: 'm\u0000x',
      providerId: 'not-a-uuid',
      cost: '0.25',
      inputPrice: 'NaN',
      quotaCharges: [charge, { quotaId: 'bad', periodStart: 'x' }],
    });
    const copy = repairUsageRecord(raw);
    expect(copy).toMatchObject({ id: raw.id, model: 'mx', providerId: null, cost: '0.25', inputPrice: null, totalTokens: 3, quotaCharges: [charge] });
  });

  it('derives a stable UUID for an id that is not one', () => {
    const a = repairUsageRecord(record({ id: 'not-a-uuid' }));
    const b = repairUsageRecord(record({ id: 'not-a-uuid' }));
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.id).toBe(b.id);
  });
});

describe('isUsageRecordShape', () => {
  it('accepts records and refuses other JSON', () => {
    expect(isUsageRecordShape(record())).toBe(true);
    expect(isUsageRecordShape({ id: 'x' })).toBe(false);
    expect(isUsageRecordShape([1, 2])).toBe(false);
    expect(isUsageRecordShape(record({ createdAt: 'yesterday' }))).toBe(false);
  });
});
