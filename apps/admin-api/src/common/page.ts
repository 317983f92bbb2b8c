import { invalid } from './errors';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Opaque keyset cursors: the sort key of the last row, base64url JSON. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends Record<string, string | number>>(cursor: string | undefined): T | undefined {
  if (!cursor) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
  } catch {
    throw invalid('cursor is not a cursor this API produced');
  }
}

export function clampLimit(limit: number | undefined, fallback = 50, max = 500): number {
  return Math.min(Math.max(limit ?? fallback, 1), max);
}
