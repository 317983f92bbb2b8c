import { tooManyRequests } from '../common/errors';

export interface ThrottleLimits {
  /** Failures older than this are forgotten. */
  windowMs: number;
  /** Failures per account (within the window) before any delay. */
  freeFailures: number;
  /** The delay after the first counted failure; it doubles with each further one... */
  baseDelayMs: number;
  /** ...up to this: an account is never locked, at worst usable this long after the last failure. */
  maxDelayMs: number;
  /** Failures allowed per client address, all accounts together (password spraying), within the window. */
  perAddress: number;
  /** An address a user signed in from stays "known" for that account this long (see below). */
  knownAddressMs: number;
  /** Keys kept at most per map; the least recently used go first so a flood of addresses cannot exhaust memory. */
  maxKeys: number;
}

const DEFAULT_LIMITS: ThrottleLimits = {
  windowMs: 15 * 60 * 1000,
  freeFailures: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60 * 1000,
  perAddress: 100,
  knownAddressMs: 30 * 24 * 3600 * 1000,
  maxKeys: 100_000,
};

/** What `begin` returns, to hand to `succeed` when the password was right. */
export interface ThrottleTicket {
  account: string;
  address: string;
  accountKey: string;
  addressKey: string;
  at: number;
}

/**
 * Slows password guessing (CONTRACT "Operations", sign-in):
 *
 * - **Per account, a growing delay**: after 5 failures within 15 minutes, the next attempt waits
 *   1 s after the last failure, then 2 s, 4 s, ... up to 60 s; an attempt inside the delay gets
 *   429 with `Retry-After` and is not checked. Counted per account whatever the address, so
 *   rotating (or spoofing) addresses gives nothing. Capped, so a guesser cannot lock anyone out:
 *   at worst the owner waits a minute.
 * - **Per client address, a cap**: 100 failures within 15 minutes over all accounts, then 429
 *   until the oldest leaves the window. The address is Express's `req.ip`, which believes
 *   `X-Forwarded-For` only from `TRUST_PROXY`.
 * - **Known addresses**: an address the owner signed in from keeps its own delay for that
 *   account, so a guesser elsewhere cannot even make the owner wait.
 *
 * An attempt counts as a failure from the moment it starts (forgiven on success), so a burst of
 * parallel guesses cannot slip past the check. In memory, per admin-API process: several replicas
 * multiply the budget, acceptable behind argon2id and a password policy; a shared store goes here.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  /** `account|address` → until when the address is known for the account. */
  private readonly known = new Map<string, number>();

  constructor(
    private readonly limits: ThrottleLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Call before checking the password. Throws `TooManyRequestsError` when the address is over its
   * cap or the account is inside its delay; otherwise records the attempt and returns a ticket.
   */
  begin(accountName: string, address: string): ThrottleTicket {
    const account = accountName.toLowerCase();
    const now = this.now();
    const addressKey = `i|${address}`;
    const fromAddress = this.recent(addressKey);
    if (fromAddress.length >= this.limits.perAddress) {
      throw tooManyRequests('Too many failed sign-ins from your address; try again later', (fromAddress[0] + this.limits.windowMs - now) / 1000);
    }
    const accountKey = this.isKnown(account, address) ? `a|${account}|${address}` : `a|${account}`;
    const wait = this.delayLeft(this.recent(accountKey), now);
    if (wait > 0) throw tooManyRequests('Too many failed sign-ins for this account; try again shortly', wait / 1000);
    this.record(accountKey, now);
    this.record(addressKey, now);
    return { account, address, accountKey, addressKey, at: now };
  }

  /** The password was right: the attempt and the account's earlier failures are forgiven; the address becomes known. */
  succeed(ticket: ThrottleTicket): void {
    this.failures.delete(ticket.accountKey);
    const list = this.failures.get(ticket.addressKey);
    const index = list?.indexOf(ticket.at) ?? -1;
    if (list && index >= 0) list.splice(index, 1);
    const knownKey = `${ticket.account}|${ticket.address}`;
    this.known.delete(knownKey);
    this.known.set(knownKey, this.now() + this.limits.knownAddressMs);
    this.evict(this.known);
  }

  /** Milliseconds until the next attempt is allowed, after `recent` failures (oldest first). */
  private delayLeft(recent: number[], now: number): number {
    const over = recent.length - this.limits.freeFailures;
    if (over < 0) return 0;
    const delay = Math.min(this.limits.baseDelayMs * 2 ** Math.min(over, 30), this.limits.maxDelayMs);
    return recent[recent.length - 1] + delay - now;
  }

  private isKnown(account: string, address: string): boolean {
    const until = this.known.get(`${account}|${address}`);
    return until !== undefined && until > this.now();
  }

  private record(key: string, at: number): void {
    const list = this.recent(key);
    list.push(at);
    this.failures.delete(key); // re-insert: Map order is then least recently failed first
    this.failures.set(key, list);
    this.evict(this.failures);
  }

  private evict(map: Map<string, unknown>): void {
    while (map.size > this.limits.maxKeys) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
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
