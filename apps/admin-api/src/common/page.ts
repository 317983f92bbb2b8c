import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { invalid } from './errors';

/** Every list answers `{items, nextCursor}`; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** Opaque keyset cursors: the sort key of the last row, base64url JSON. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `errors[].code` of a cursor this API did not produce. */
export const INVALID_CURSOR = 'invalid_cursor';
const badCursor = () => invalid('cursor: not a cursor this API produced', INVALID_CURSOR);

/** The cursor's JSON object, unchecked beyond that: check each field before using it (or use a typed decoder below). */
export function decodeCursor<T extends Record<string, unknown>>(cursor: string | undefined): Partial<T> | undefined {
  if (!cursor) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badCursor();
  return value;
}

/** A `{t, id}` cursor (a timestamp and a UUID), checked: anything else is a 400 naming `cursor`, never a 500. */
export function decodeTimeCursor(cursor: string | undefined): { t: Date; id: string } | undefined {
  const after = decodeCursor<{ t: unknown; id: unknown }>(cursor);
  if (!after) return undefined;
  const t = typeof after.t === 'string' ? new Date(after.t) : undefined;
  if (!t || Number.isNaN(t.getTime()) || typeof after.id !== 'string' || !UUID.test(after.id)) throw badCursor();
  return { t, id: after.id };
}

export function clampLimit(limit: number | undefined, fallback = DEFAULT_LIMIT, max = MAX_LIMIT): number {
  return Math.min(Math.max(limit ?? fallback, 1), max);
}

export interface KeysetOrder {
  /** SQL of the sort key, e.g. `lower(d.name)` or `k.created_at`. */
  sort: string;
  /** SQL of the unique tie-breaker, e.g. `d.id`. */
  id: string;
  direction: 'ASC' | 'DESC';
}

/**
 * One page of a keyset-paginated query: orders by (sort, id), continues after the cursor's row,
 * and reads the last row's sort key back from PostgreSQL as text (so collations and microsecond
 * timestamps compare exactly as the database orders them). `qb` must select one entity, no joins.
 */
export async function keysetPage<E extends ObjectLiteral & { id: string }, D>(
  qb: SelectQueryBuilder<E>,
  query: { limit?: number; cursor?: string },
  order: KeysetOrder,
  map: (row: E) => D,
): Promise<Page<D>> {
  const limit = clampLimit(query.limit);
  const after = decodeCursor<{ s: unknown; id: unknown }>(query.cursor);
  if (after && (typeof after.s !== 'string' || typeof after.id !== 'string' || !UUID.test(after.id))) throw badCursor();
  qb.addSelect(`(${order.sort})::text`, 'keyset_sort')
    .orderBy(order.sort, order.direction)
    .addOrderBy(order.id, order.direction)
    .limit(limit + 1);
  if (after) {
    qb.andWhere(`(${order.sort}, ${order.id}) ${order.direction === 'ASC' ? '>' : '<'} (:keysetSort, :keysetId)`, { keysetSort: after.s, keysetId: after.id });
  }
  const { entities, raw } = await qb.getRawAndEntities<{ keyset_sort: string }>();
  const items = entities.slice(0, limit);
  const more = entities.length > limit;
  const last = items.length - 1;
  return {
    items: items.map(map),
    nextCursor: more ? encodeCursor({ s: raw[last].keyset_sort, id: items[last].id }) : null,
  };
}
