import { Inject, Injectable } from '@nestjs/common';
import type { AccountStatus } from '@app/core';
import { AccountHealthRecorder } from './account-health.recorder';
import type { UpstreamAccount } from './upstream-account';
import type { UpstreamFailure } from './upstream-error-class';

const RATE_LIMIT_BACKOFF_MS = [1_000, 2_000, 5_000, 15_000, 30_000, 60_000];
const UNAVAILABLE_BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
const EXHAUSTED_COOLING_MS = 10 * 60_000;

interface Health {
  status: Exclude<AccountStatus, 'disabled'>;
  /** Epoch ms; meaningful while `status` is `cooling`. */
  coolingUntil: number;
  /** Consecutive failures, for the backoff. */
  streak: number;
  credentialsVersion: string;
}

/**
 * Health of every upstream account, in this replica's memory (the hot path never waits for the
 * database). Transitions and failed attempts go to the recorder, which persists them in the
 * background. What the database says wins only where it must: an account stored in `auth` or
 * `deactivated` (another replica saw it, or the provider's URL changed) is kept out until its
 * credentials change; cool-downs are learnt per replica (at most one extra attempt each).
 */
@Injectable()
export class AccountHealthService {
  private readonly health = new Map<string, Health>();
  /** `providerId|limitGroup` → epoch ms the group is cooling until. */
  private readonly groups = new Map<string, number>();

  constructor(@Inject(AccountHealthRecorder) private readonly recorder: AccountHealthRecorder) {}

  /** Called on every catalog load with the enabled accounts. */
  sync(accounts: UpstreamAccount[]): void {
    const seen = new Set<string>();
    for (const account of accounts) {
      seen.add(account.id);
      const known = this.health.get(account.id);
      if (!known || known.credentialsVersion !== account.credentialsVersion) {
        // New account, or new credentials: it gets a fresh start unless the database keeps it out.
        const out = known !== undefined && known.credentialsVersion !== account.credentialsVersion ? false : isOut(account.storedStatus);
        this.health.set(account.id, {
          status: out ? (account.storedStatus as 'auth' | 'deactivated') : 'ok',
          coolingUntil: 0,
          streak: 0,
          credentialsVersion: account.credentialsVersion,
        });
        if (known && known.status !== 'ok' && !out) this.recorder.statusChanged(account, 'ok', null);
      } else if (isOut(account.storedStatus) && known.status !== account.storedStatus) {
        known.status = account.storedStatus as 'auth' | 'deactivated';
      }
    }
    for (const id of this.health.keys()) if (!seen.has(id)) this.health.delete(id);
  }

  /** Whether calls may go to this account now (a cool-down that has passed lets one through). */
  isAvailable(account: UpstreamAccount, now = Date.now()): boolean {
    const health = this.health.get(account.id);
    if (health && (health.status === 'auth' || health.status === 'deactivated')) return false;
    if (health && health.status === 'cooling' && health.coolingUntil > now) return false;
    return this.groupCoolingUntil(account) <= now;
  }

  /** The status to show (metrics): `cooling` also when only its limit group is cooling. */
  statusOf(account: UpstreamAccount, now = Date.now()): AccountStatus {
    const health = this.health.get(account.id);
    if (health && health.status !== 'ok' && health.status !== 'cooling') return health.status;
    if ((health?.status === 'cooling' && health.coolingUntil > now) || this.groupCoolingUntil(account) > now) return 'cooling';
    return 'ok';
  }

  /** The earliest moment one of these accounts is usable again, or null if none will be without an edit. */
  nextAvailableAt(accounts: UpstreamAccount[], now = Date.now()): number | null {
    let next: number | null = null;
    for (const account of accounts) {
      const health = this.health.get(account.id);
      if (health && (health.status === 'auth' || health.status === 'deactivated')) continue;
      const at = Math.max(health?.status === 'cooling' ? health.coolingUntil : 0, this.groupCoolingUntil(account), now);
      next = next === null ? at : Math.min(next, at);
    }
    return next;
  }

  /**
   * The account whose cool-down ends first (never one in `auth` or `deactivated`): the last resort
   * when none is available, so a cool-down orders accounts but never refuses a call on its own.
   */
  soonest(accounts: UpstreamAccount[], now = Date.now()): UpstreamAccount | undefined {
    let best: UpstreamAccount | undefined;
    let bestAt = Infinity;
    for (const account of accounts) {
      const health = this.health.get(account.id);
      if (health && (health.status === 'auth' || health.status === 'deactivated')) continue;
      const at = Math.max(health?.status === 'cooling' ? health.coolingUntil : 0, this.groupCoolingUntil(account), now);
      if (at < bestAt) [best, bestAt] = [account, at];
    }
    return best;
  }

  succeeded(account: UpstreamAccount): void {
    const health = this.entry(account);
    if (health.streak === 0 && health.status === 'ok') return;
    const wasOk = health.status === 'ok';
    health.streak = 0;
    health.status = 'ok';
    health.coolingUntil = 0;
    if (!wasOk) this.recorder.statusChanged(account, 'ok', null);
  }

  /**
   * A failed attempt: counted (never billed), and the account (or its limit group) cooled or put
   * in `auth`. `final` failures are about the request: neither counted nor held against the account.
   * Returns the status the account is left in.
   */
  failed(account: UpstreamAccount, failure: UpstreamFailure, now = Date.now()): AccountStatus {
    if (failure.kind === 'final') return this.statusOf(account, now);
    this.recorder.attemptFailed(account, failure.code, now);
    const health = this.entry(account);
    health.streak++;
    if (failure.kind === 'auth') {
      if (health.status !== 'auth') {
        health.status = 'auth';
        this.recorder.statusChanged(account, 'auth', null, failure.code);
      }
      return 'auth';
    }
    const until = now + this.coolingMs(failure, health.streak);
    if (failure.kind === 'rate_limited' && account.limitGroup) {
      const key = groupKey(account);
      this.groups.set(key, Math.max(this.groups.get(key) ?? 0, until));
    }
    const changed = health.status !== 'cooling' || health.coolingUntil < until;
    health.status = 'cooling';
    health.coolingUntil = Math.max(health.coolingUntil, until);
    if (changed) this.recorder.statusChanged(account, 'cooling', new Date(health.coolingUntil), failure.code);
    return 'cooling';
  }

  private coolingMs(failure: UpstreamFailure, streak: number): number {
    if (failure.retryAfterMs !== null) return failure.retryAfterMs;
    if (failure.kind === 'exhausted') return EXHAUSTED_COOLING_MS;
    const steps = failure.kind === 'rate_limited' ? RATE_LIMIT_BACKOFF_MS : UNAVAILABLE_BACKOFF_MS;
    return steps[Math.min(streak, steps.length) - 1];
  }

  private groupCoolingUntil(account: UpstreamAccount): number {
    return account.limitGroup ? (this.groups.get(groupKey(account)) ?? 0) : 0;
  }

  private entry(account: UpstreamAccount): Health {
    let health = this.health.get(account.id);
    if (!health) {
      health = { status: 'ok', coolingUntil: 0, streak: 0, credentialsVersion: account.credentialsVersion };
      this.health.set(account.id, health);
    }
    return health;
  }
}

function isOut(status: AccountStatus): boolean {
  return status === 'auth' || status === 'deactivated';
}

function groupKey(account: UpstreamAccount): string {
  return `${account.providerId}|${account.limitGroup}`;
}
