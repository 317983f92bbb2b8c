import { tooManyRequests } from '../common/errors';

export interface ThrottleLimits {
  /** Sliding window. */
  windowMs: number;
  /** Failed attempts allowed per account and address within the window. */
  perAccount: number;
  /** Failed attempts allowed per address, all accounts together (password spraying). */
  perAddress: number;
  /** Keys kept at most; the oldest are dropped first so a flood of fresh addresses cannot exhaust memory. */
  maxKeys: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = { windowMs: 15 * 60 * 1000, perAccount: 5, perAddress: 100, maxKeys: 100_000 };

/**
 * Slows password guessing: after 5 failures for one account from one address within 15 minutes
 * (or 100 from one address over all accounts), further attempts get 429 with `Retry-After` until
 * the oldest failure leaves the window. An attempt counts as a failure from the moment it starts
 * (and is forgiven on success), so a burst of parallel guesses cannot slip past the check.
 *
 * In memory, per admin-API process: several replicas multiply the budget. That is acceptable for
 * a login form behind argon2id and avoids a moving part; a shared store would go here.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Call before checking the password. Throws `TooManyRequestsError` when over a limit;
   * otherwise records the attempt and returns a ticket to `succeed()` with.
   */
  begin(account: string, address: string): string[] {
    const keys = [`a|${account.toLowerCase()}|${address}`, `i|${address}`];
    const limits = [this.limits.perAccount, this.limits.perAddress];
    keys.forEach((key, index) => {
      const recent = this.recent(key);
      if (recent.length >= limits[index]) {
        throw tooManyRequests('Too many failed sign-ins; try again later', (recent[0] + this.limits.windowMs - this.now()) / 1000);
      }
    });
    const at = this.now();
    for (const key of keys) this.record(key, at);
    return keys.map((key) => `${key}#${at}`);
  }

  /** The password was right: the attempt is forgiven, and the account's earlier failures too. */
  succeed(ticket: string[]): void {
    const [accountTicket, addressTicket] = ticket;
    this.failures.delete(accountTicket.slice(0, accountTicket.lastIndexOf('#')));
    const addressKey = addressTicket.slice(0, addressTicket.lastIndexOf('#'));
    const at = Number(addressTicket.slice(addressTicket.lastIndexOf('#') + 1));
    const list = this.failures.get(addressKey);
    const index = list?.indexOf(at) ?? -1;
    if (list && index >= 0) list.splice(index, 1);
  }

  private record(key: string, at: number): void {
    const list = this.recent(key);
    list.push(at);
    this.failures.delete(key); // re-insert: Map order is then least recently failed first
    this.failures.set(key, list);
    while (this.failures.size > this.limits.maxKeys) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.limits.windowMs;
    const recent = (this.failures.get(key) ?? []).filter((at) => at > cutoff);
    if (recent.length === 0) this.failures.delete(key);
    else this.failures.set(key, recent);
    return recent;
  }
}
