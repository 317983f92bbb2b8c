import { formatDecimal, parseDecimal } from '../pricing/decimal';
import { add, Amounts, clamp, isZero, max0, sub, zero } from './quota-amounts';
import type { QuotaCharge } from './quota-charge';
import type { QuotaDefinition } from './quota-definitions';
import { QuotaDimension, QuotaExceededError } from './quota-errors';

/**
 * The admission core of the quota ledger (DESIGN.md §2): what a replica may admit with the
 * capacity it holds, how much to ask for, what to hold through an outage, and how a refusal is
 * worded. Pure functions over in-memory leases — no database, no timers — so every rule is
 * unit-tested on its own; QuotaLedger wires them to the lease store.
 */

/** A lease takes this share of the room left, so most calls never touch the database. */
const CHUNK_SHARE = 8n;

export interface QuotaSubject {
  userId: string;
  departmentId: string | null;
}

export interface QuotaAmount {
  tokens: number;
  /** Exact decimal string. */
  cost: string;
}

export interface Admission {
  readonly charges: QuotaCharge[];
  /** Frees the reservation and counts the actual usage until the writer commits it. Idempotent. */
  settle(actual: QuotaAmount): void;
}

/** One committed call's usage, as the metering writer hands it to the ledger. */
export interface CommittedUsage {
  charges: QuotaCharge[];
  replicaId: string;
  tokens: number;
  cost: string;
}

/** This replica's view of one quota in one period. Invariant sought: reserved + pending ≤ granted. */
export interface Lease {
  key: string;
  /** What a call admitted on this lease is charged against (shared by its calls, so frozen: one per lease, not per call). */
  charge: Readonly<QuotaCharge>;
  definition: QuotaDefinition;
  periodStart: Date;
  periodEnd: Date;
  /** Capacity PostgreSQL granted to this replica (mirror of its quota_leases row). */
  granted: Amounts;
  /** Estimates of calls in flight. */
  reserved: Amounts;
  /** Actual usage of finished calls, not yet committed by the writer. */
  pending: Amounts;
  /** Room left for everyone at the last contact with PostgreSQL (outage policy `serve`). */
  lastKnownRoom: Amounts | undefined;
  /** Estimates of calls waiting for an acquisition, so one round can cover all of them. */
  waiting: Amounts;
  /** The last acquisition granted all the room there was: a call it does not cover is refused. */
  exhausted: boolean;
  acquiring: Promise<void> | undefined;
  lastUsedAt: number;
}

export const NO_QUOTA: Admission = { charges: [], settle: () => undefined };

export function leaseKey(quotaId: string, periodStart: Date | string): string {
  return `${quotaId}|${typeof periodStart === 'string' ? periodStart : periodStart.toISOString()}`;
}

export function newLease(definition: QuotaDefinition, periodStart: Date, periodEnd: Date, now = Date.now()): Lease {
  return {
    key: leaseKey(definition.id, periodStart),
    charge: Object.freeze({ quotaId: definition.id, periodStart: periodStart.toISOString() }),
    definition,
    periodStart,
    periodEnd,
    granted: zero(),
    reserved: zero(),
    pending: zero(),
    waiting: zero(),
    exhausted: false,
    lastKnownRoom: undefined,
    acquiring: undefined,
    lastUsedAt: now,
  };
}

/** What a call needs: its token and cost estimate, and one request. */
export function needOf(estimate: QuotaAmount): Amounts {
  return { tokens: BigInt(Math.max(0, Math.ceil(estimate.tokens))), requests: 1n, cost: parseDecimal(estimate.cost) };
}

/** What a finished (or committed) call used: its tokens and cost, and one request. */
export function usedOf(actual: QuotaAmount): Amounts {
  return { tokens: BigInt(Math.max(0, Math.round(actual.tokens))), requests: 1n, cost: parseDecimal(actual.cost) };
}

/** Whether the lease's free capacity covers `need` in every dimension the quota limits. */
export function covers(lease: Lease, need: Amounts): boolean {
  // every call asks this of every lease: only the limited dimensions, and no Amounts built
  const { definition: d, granted: g, reserved: r, pending: p } = lease;
  return (
    (d.maxTokens === null || g.tokens - r.tokens - p.tokens >= need.tokens) &&
    (d.maxRequests === null || g.requests - r.requests - p.requests >= need.requests) &&
    (d.maxCost === null || g.cost - r.cost - p.cost >= need.cost)
  );
}

/** Reserves `need` on every lease and returns the admission that settles it. */
export function admit(leases: Lease[], need: Amounts, now = Date.now()): Admission {
  for (const lease of leases) {
    lease.reserved = add(lease.reserved, need);
    lease.lastUsedAt = now;
  }
  let settled = false;
  const charges = leases.map((lease) => lease.charge);
  return {
    charges,
    settle: (actual: QuotaAmount) => {
      if (settled) return;
      settled = true;
      const used = usedOf(actual);
      for (const lease of leases) {
        lease.reserved = sub(lease.reserved, need);
        lease.pending = add(lease.pending, used);
      }
    },
  };
}

function limitsOf(definition: QuotaDefinition): Amounts {
  return { tokens: definition.maxTokens ?? 0n, requests: definition.maxRequests ?? 0n, cost: definition.maxCost ?? 0n };
}

/** Room left for everyone: the limit minus committed usage minus other replicas' live leases. */
export function roomLeft(definition: QuotaDefinition, committed: Amounts, otherLeases: Amounts): Amounts {
  return sub(sub(limitsOf(definition), committed), otherLeases);
}

/**
 * What to hold after an acquisition: this replica's uncommitted usage, its calls in flight and
 * the calls waiting, plus a share of the room left so the next calls are admitted locally — never
 * more than the room. `exhausted` when that took all the room in some limited dimension.
 */
export function grantFor(lease: Lease, room: Amounts): { grant: Amounts; exhausted: boolean } {
  const { definition } = lease;
  const wanted = add(add(lease.pending, lease.reserved), lease.waiting);
  const grant: Amounts = {
    tokens: definition.maxTokens === null ? 0n : clamp(wanted.tokens, room.tokens, room.tokens / CHUNK_SHARE),
    requests: definition.maxRequests === null ? 0n : clamp(wanted.requests, room.requests, room.requests / CHUNK_SHARE),
    cost: definition.maxCost === null ? 0n : clamp(wanted.cost, room.cost, room.cost / CHUNK_SHARE),
  };
  const exhausted =
    (definition.maxTokens !== null && grant.tokens >= max0(room.tokens)) ||
    (definition.maxRequests !== null && grant.requests >= max0(room.requests)) ||
    (definition.maxCost !== null && grant.cost >= max0(room.cost));
  return { grant, exhausted };
}

/** Outage policy `serve`: hold exactly the room that was left at the last contact, and no more. */
export function outageGrant(lastKnownRoom: Amounts): Amounts {
  return { tokens: max0(lastKnownRoom.tokens), requests: max0(lastKnownRoom.requests), cost: max0(lastKnownRoom.cost) };
}

/** After the writer committed a call charged on this lease: the usage leaves `pending` and the grant. */
export function commitToLease(lease: Lease, used: Amounts): void {
  lease.pending = sub(lease.pending, used);
  lease.granted = {
    tokens: max0(lease.granted.tokens - used.tokens),
    requests: max0(lease.granted.requests - used.requests),
    cost: max0(lease.granted.cost - used.cost),
  };
}

/** Nothing in flight and nothing uncommitted. */
export function isQuiet(lease: Lease): boolean {
  return isZero(lease.reserved) && isZero(lease.pending);
}

/** The refusal for a call `lease` cannot cover: which limit, the limit, what is used, when it resets. */
export function exceededError(lease: Lease, need: Amounts, now: Date): QuotaExceededError {
  const { definition } = lease;
  const free = sub(sub(lease.granted, lease.reserved), lease.pending);
  const room = lease.lastKnownRoom ?? free;
  // Only called for a call the lease cannot cover: when neither requests nor tokens fall short, the cost limit does.
  const [dimension, limit]: [QuotaDimension, bigint] =
    definition.maxRequests !== null && free.requests < need.requests
      ? ['requests', definition.maxRequests]
      : definition.maxTokens !== null && free.tokens < need.tokens
        ? ['tokens', definition.maxTokens]
        : ['cost', definition.maxCost ?? 0n];
  const roomInDimension = dimension === 'tokens' ? room.tokens : dimension === 'requests' ? room.requests : room.cost;
  const format = (v: bigint) => (dimension === 'cost' ? formatDecimal(v) : v.toString());
  // Used so far = committed + admitted in flight. The room at last contact already excludes
  // what was committed and what other replicas hold; this replica's own calls (in flight and
  // finished but not yet committed) are added, since its lease counted them as room.
  const mine = add(lease.reserved, lease.pending);
  const mineInDimension = dimension === 'tokens' ? mine.tokens : dimension === 'requests' ? mine.requests : mine.cost;
  const used = lease.lastKnownRoom ? limit - max0(roomInDimension) + mineInDimension : limit - max0(roomInDimension);
  return new QuotaExceededError(
    definition.scope,
    definition.period,
    dimension,
    format(limit),
    format(used > limit ? limit : used),
    Math.max(1, Math.ceil((lease.periodEnd.getTime() - now.getTime()) / 1000)),
  );
}

export interface UsageRow {
  quotaId: string;
  periodStart: string;
  amounts: Amounts;
}

export interface LeaseMove extends UsageRow {
  replicaId: string;
}

/**
 * A batch of committed calls summed per quota period (for `quota_usage`) and per lease (what
 * leaves each replica's lease), each sorted by key so every writer locks rows in the same order
 * and concurrent replicas never deadlock.
 */
export function summariseCommitted(committed: CommittedUsage[]): { usage: UsageRow[]; moves: LeaseMove[] } {
  const usage = new Map<string, UsageRow>();
  const moves = new Map<string, LeaseMove>();
  for (const item of committed) {
    const amounts = usedOf(item);
    for (const charge of item.charges) {
      const key = leaseKey(charge.quotaId, charge.periodStart);
      const row = usage.get(key) ?? { quotaId: charge.quotaId, periodStart: charge.periodStart, amounts: zero() };
      row.amounts = add(row.amounts, amounts);
      usage.set(key, row);
      const moveKey = `${key}|${item.replicaId}`;
      const move = moves.get(moveKey) ?? { quotaId: charge.quotaId, periodStart: charge.periodStart, replicaId: item.replicaId, amounts: zero() };
      move.amounts = add(move.amounts, amounts);
      moves.set(moveKey, move);
    }
  }
  const sorted = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row);
  return { usage: sorted(usage), moves: sorted(moves) };
}
