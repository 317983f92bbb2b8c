import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a scrape of `/metrics` may proceed (CONTRACT, Operations): always when no
 * METRICS_TOKEN is configured, else only with `Authorization: Bearer <METRICS_TOKEN>` (any case
 * of `Bearer`). Compared in constant time, on digests so lengths leak nothing either.
 */
export function metricsScrapeAllowed(authorization: string | string[] | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = /^bearer\s+(.+)$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const given = createHash('sha256').update(match[1]).digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected);
}
