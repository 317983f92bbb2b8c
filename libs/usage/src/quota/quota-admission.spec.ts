import { parseDecimal } from '../pricing/decimal';
import { admit, commitToLease, covers, exceededError, grantFor, isQuiet, needOf, newLease, outageGrant, roomLeft, summariseCommitted } from './quota-admission';
import type { Amounts } from './quota-amounts';
import type { QuotaDefinition } from './quota-definitions';

/** The admission rules on their own: no PostgreSQL, no timers. */
const day = { start: new Date('2026-11-24T00:00:00Z'), end: new Date('2026-11-25T00:00:00Z') };

function definition(limits: Partial<Pick<QuotaDefinition, 'maxTokens' | 'maxRequests' | 'maxCost'>>): QuotaDefinition {
  return { id: 'q1', scope: 'user', subjectId: 'u1', period: 'day', maxTokens: null, maxRequests: null, maxCost: null, ...limits };
}

const amounts = (tokens: number, requests: number, cost: string): Amounts => ({ tokens: BigInt(tokens), requests: BigInt(requests), cost: parseDecimal(cost) });

describe('quota admission core', () => {
  it('admits only what the granted capacity covers, in every limited dimension', () => {
    const lease = newLease(definition({ maxTokens: 1000n, maxCost: parseDecimal('1') }), day.start, day.end);
    lease.granted = amounts(100, 0, '0.5');
    expect(covers(lease, needOf({ tokens: 100, cost: '0.5' }))).toBe(true);
    expect(covers(lease, needOf({ tokens: 101, cost: '0.5' }))).toBe(false);
    expect(covers(lease, needOf({ tokens: 10, cost: '0.500000001' }))).toBe(false);
    // requests are not limited by this quota: a grant of 0 requests does not matter
    expect(covers(lease, needOf({ tokens: 1, cost: '0' }))).toBe(true);
  });

  it('reserves on admission and moves the actual usage to pending on settle, once', () => {
    const lease = newLease(definition({ maxTokens: 1000n }), day.start, day.end);
    lease.granted = amounts(500, 0, '0');
    const admission = admit([lease], needOf({ tokens: 300, cost: '0.3' }));
    expect(admission.charges).toEqual([{ quotaId: 'q1', periodStart: day.start.toISOString() }]);
    expect(lease.reserved).toEqual(amounts(300, 1, '0.3'));
    expect(covers(lease, needOf({ tokens: 201, cost: '0' }))).toBe(false);
    admission.settle({ tokens: 120, cost: '0.1' });
    admission.settle({ tokens: 999, cost: '9' }); // idempotent
    expect(lease.reserved).toEqual(amounts(0, 0, '0'));
    expect(lease.pending).toEqual(amounts(120, 1, '0.1'));
    expect(isQuiet(lease)).toBe(false);
    commitToLease(lease, amounts(120, 1, '0.1'));
    expect(lease.pending).toEqual(amounts(0, 0, '0'));
    expect(lease.granted).toEqual(amounts(380, 0, '0'));
    expect(isQuiet(lease)).toBe(true);
  });

  it('asks for an eighth of the room when far from the limit, and exactly what is needed near it', () => {
    const quota = definition({ maxTokens: 80_000n, maxRequests: 800n, maxCost: parseDecimal('8') });
    const lease = newLease(quota, day.start, day.end);
    lease.waiting = amounts(100, 1, '0.01');
    const far = grantFor(lease, roomLeft(quota, amounts(0, 0, '0'), amounts(0, 0, '0')));
    expect(far).toEqual({ grant: amounts(10_000, 100, '1'), exhausted: false });
    // 150 tokens left in all, 100 wanted: the chunk (18) is smaller than what is wanted
    const near = grantFor(lease, roomLeft(quota, amounts(79_000, 10, '0'), amounts(850, 0, '0')));
    expect(near.grant.tokens).toBe(100n);
    expect(near.exhausted).toBe(false);
    // less room than wanted: all of it, and the lease is exhausted
    const last = grantFor(lease, roomLeft(quota, amounts(79_950, 10, '0'), amounts(0, 0, '0')));
    expect(last).toMatchObject({ grant: { tokens: 50n }, exhausted: true });
  });

  it('never grants a negative amount, and nothing in dimensions without a limit', () => {
    const quota = definition({ maxRequests: 10n });
    const lease = newLease(quota, day.start, day.end);
    lease.waiting = amounts(5000, 1, '3');
    const { grant, exhausted } = grantFor(lease, roomLeft(quota, amounts(0, 12, '0'), amounts(0, 0, '0')));
    expect(grant).toEqual(amounts(0, 0, '0'));
    expect(exhausted).toBe(true);
  });

  it('holds exactly the last known room through an outage', () => {
    expect(outageGrant(amounts(-5, 3, '0.25'))).toEqual(amounts(0, 3, '0.25'));
  });

  it('names the limit that refused, with the committed usage and when the period resets', () => {
    const now = new Date('2026-11-24T23:59:00Z');
    const cost = newLease(definition({ maxCost: parseDecimal('1') }), day.start, day.end);
    cost.lastKnownRoom = amounts(0, 0, '0.02');
    const refusal = exceededError(cost, needOf({ tokens: 1, cost: '0.07' }), now);
    expect(refusal.message).toBe('user day cost quota exceeded: limit 1, used 0.98');
    expect(refusal.dimension).toBe('cost');
    expect(refusal.retryAfterSeconds).toBe(60);

    const requests = newLease({ ...definition({ maxRequests: 5n, maxTokens: 100n }), scope: 'department' }, day.start, day.end);
    requests.lastKnownRoom = amounts(100, 0, '0');
    expect(exceededError(requests, needOf({ tokens: 1, cost: '0' }), now).message).toBe('department day request quota exceeded: limit 5, used 5');

    const tokens = newLease(definition({ maxTokens: 100n }), day.start, day.end);
    tokens.lastKnownRoom = amounts(-20, 0, '0'); // overshot by under-estimated calls
    expect(exceededError(tokens, needOf({ tokens: 50, cost: '0' }), now).message).toBe('user day token quota exceeded: limit 100, used 100');
  });

  it('sums committed calls per quota period and per lease, sorted so writers lock in one order', () => {
    const p = '2026-11-24T00:00:00.000Z';
    const { usage, moves } = summariseCommitted([
      {
        charges: [
          { quotaId: 'q2', periodStart: p },
          { quotaId: 'q1', periodStart: p },
        ],
        replicaId: 'b',
        tokens: 10,
        cost: '0.1',
      },
      { charges: [{ quotaId: 'q1', periodStart: p }], replicaId: 'a', tokens: 5, cost: '0.05' },
    ]);
    expect(usage).toEqual([
      { quotaId: 'q1', periodStart: p, amounts: amounts(15, 2, '0.15') },
      { quotaId: 'q2', periodStart: p, amounts: amounts(10, 1, '0.1') },
    ]);
    expect(moves.map((m) => [m.quotaId, m.replicaId, m.amounts.tokens])).toEqual([
      ['q1', 'a', 5n],
      ['q1', 'b', 10n],
      ['q2', 'b', 10n],
    ]);
  });
});
