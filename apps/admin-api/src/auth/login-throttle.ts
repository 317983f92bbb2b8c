import { DomainError } from '../common/errors';

const WINDOW_MS = 15 * 60 * 1000;
const MAX_FAILURES = 5;

/**
 * Slows password guessing: after 5 failures for one email from one address within 15 minutes,
 * further attempts get 429 until the window passes. In memory, per admin-API process (several
 * replicas multiply the budget; acceptable for a login form, and no extra moving part).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  check(email: string, ip: string): void {
    const key = `${email.toLowerCase()}|${ip}`;
    const recent = this.recent(key);
    if (recent.length >= MAX_FAILURES) {
      const retryAfter = Math.ceil((recent[0] + WINDOW_MS - Date.now()) / 1000);
      throw new DomainError('too_many_requests', 'Too many failed sign-ins; try again later', { 'retry-after': String(Math.max(1, retryAfter)) });
    }
  }

  fail(email: string, ip: string): void {
    const key = `${email.toLowerCase()}|${ip}`;
    const recent = this.recent(key);
    recent.push(Date.now());
    this.failures.set(key, recent);
  }

  succeed(email: string, ip: string): void {
    this.failures.delete(`${email.toLowerCase()}|${ip}`);
  }

  private recent(key: string): number[] {
    const cutoff = Date.now() - WINDOW_MS;
    const recent = (this.failures.get(key) ?? []).filter((at) => at > cutoff);
    if (recent.length === 0) this.failures.delete(key);
    return recent;
  }
}
