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

export function decodeCursor<T extends Record<string, string | number>>(cursor: string | undefined): T | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as T;
  } catch {
    throw invalid('cursor: not a cursor this API produced');
  }
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
  const after = decodeCursor<{ s: string; id: string }>(query.cursor);
  if (after && (typeof after.s !== 'string' || typeof after.id !== 'string' || !/^[0-9a-f-]{36}$/i.test(after.id))) {
    throw invalid('cursor: not a cursor this API produced');
  }
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
