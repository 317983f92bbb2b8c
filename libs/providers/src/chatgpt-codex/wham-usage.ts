import type { AccountWindow } from '../polling/provider-snapshot';

export interface CodexCredits {
  hasCredits: boolean;
  unlimited: boolean;
  balance: string | null;
}

export interface CodexUsage {
  plan: string | null;
  allowed: boolean | null;
  limitReached: boolean | null;
  /** Windows keyed by name (`5h`, `7d`, ...), classified by length, never by position. */
  windows: Record<string, AccountWindow>;
  credits: CodexCredits | null;
}

const NAMED_WINDOWS: Readonly<Record<number, string>> = { 18000: '5h', 604800: '7d' };

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : null);
const bool = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
const record = (value: unknown): Record<string, unknown> | null => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null);

function toWindow(raw: unknown): AccountWindow | null {
  const window = record(raw);
  const seconds = num(window?.limit_window_seconds);
  const used = num(window?.used_percent);
  if (!window || seconds === null || seconds <= 0 || used === null) return null;
  const resetAtSeconds = num(window.reset_at);
  const resetAfter = num(window.reset_after_seconds);
  const usedPercent = Math.min(100, Math.max(0, used));
  return {
    name: NAMED_WINDOWS[seconds] ?? `${seconds}s`,
    limitWindowSeconds: seconds,
    usedPercent,
    remainingPercent: 100 - usedPercent,
    resetAt: resetAtSeconds !== null ? new Date(resetAtSeconds * 1000).toISOString() : null,
    resetAfterSeconds: resetAfter,
    notStarted: used === 1 && resetAfter === seconds,
  };
}

/**
 * Reads a `wham/usage` answer (providers.md §3a): plan, the primary and secondary windows
 * classified by `limit_window_seconds` (some accounts have only a weekly primary window, some
 * fixtures have them swapped), and the credits balance. Missing parts are null; unknown fields
 * are ignored (the raw answer is kept in the snapshot).
 */
export function readWhamUsage(body: Record<string, unknown>): CodexUsage {
  const rateLimit = record(body.rate_limit);
  const windows: Record<string, AccountWindow> = {};
  for (const raw of [rateLimit?.primary_window, rateLimit?.secondary_window]) {
    const window = toWindow(raw);
    if (window && !windows[window.name]) windows[window.name] = window;
  }
  const credits = record(body.credits);
  const balance = credits?.balance;
  return {
    plan: typeof body.plan_type === 'string' ? body.plan_type : null,
    allowed: bool(rateLimit?.allowed),
    limitReached: bool(rateLimit?.limit_reached),
    windows,
    credits: credits
      ? {
          hasCredits: bool(credits.has_credits) ?? false,
          unlimited: bool(credits.unlimited) ?? false,
          balance: typeof balance === 'string' || typeof balance === 'number' ? String(balance) : null,
        }
      : null,
  };
}
