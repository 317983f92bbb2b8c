import { Fixed, parseDecimal } from '../pricing/decimal';

/** Amounts in one unit system: tokens and requests as integers, cost as 18-digit fixed point. */
export interface Amounts {
  tokens: bigint;
  requests: bigint;
  cost: Fixed;
}

export const zero = (): Amounts => ({ tokens: 0n, requests: 0n, cost: 0n });
export const add = (a: Amounts, b: Amounts): Amounts => ({ tokens: a.tokens + b.tokens, requests: a.requests + b.requests, cost: a.cost + b.cost });
export const sub = (a: Amounts, b: Amounts): Amounts => ({ tokens: a.tokens - b.tokens, requests: a.requests - b.requests, cost: a.cost - b.cost });
export const max0 = (v: bigint) => (v < 0n ? 0n : v);

export function toAmounts(row: { tokens: string; requests: string; cost: string } | undefined): Amounts {
  if (!row) return zero();
  return { tokens: BigInt(row.tokens), requests: BigInt(row.requests), cost: parseDecimal(row.cost) };
}

/** What to hold: at least what is wanted, plus a chunk of the room, never more than the room. */
export function clamp(wanted: bigint, room: bigint, chunk: bigint): bigint {
  const target = wanted > chunk ? wanted : chunk;
  return min(max0(room), target);
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function isZero(a: Amounts): boolean {
  return a.tokens === 0n && a.requests === 0n && a.cost === 0n;
}
