import type { ProviderSnapshotResult } from './provider-snapshot';

/** One upstream account of a provider, as a poller sees it (credentials opened). */
export interface PollAccount {
  id: string;
  name: string;
  credentials: Record<string, unknown>;
  options: Record<string, unknown>;
}

/** What a poller is given: the provider with its opened credentials, and its accounts. */
export interface PollTarget {
  providerId: string;
  kind: string;
  baseUrl: string;
  credentials: { apiKey?: string; [secret: string]: unknown };
  options: Record<string, unknown>;
  accounts: PollAccount[];
}

export interface PollContext {
  now: Date;
  /** APP_TIMEZONE: "today" for providers that report usage per day. */
  timezone: string;
  timeoutMs: number;
  /**
   * Runs a token refresh for one account, one at a time across replicas: `refresh` gets the
   * account's credentials as stored now (another poll may have rotated them already) and a
   * `store` that seals rotated credentials (merged into what is stored). What `store` wrote is
   * kept even when `refresh` fails afterwards, so a rotation is never lost.
   */
  refreshAccount<T>(
    accountId: string,
    refresh: (current: Record<string, unknown>, store: (credentials: Record<string, string>) => Promise<void>) => Promise<T>,
  ): Promise<T>;
}

/**
 * How a provider kind is polled for quota, balance and usage (one per kind folder). A poller
 * throws on a provider-wide failure (classified by `statusFor`); per-account failures are
 * reported in `accounts` and never stop the other accounts.
 */
export interface ProviderPoller {
  poll(target: PollTarget, context: PollContext): Promise<ProviderSnapshotResult>;
  /** Provider-reported usage for a period (reconciliation); absent when the provider offers none. */
  reportedUsage?(target: PollTarget, from: Date, to: Date, context: PollContext): Promise<ProviderSnapshotResult>;
}

/** For kinds with nothing to poll: one `ok` snapshot saying so. */
export class NothingToPoll implements ProviderPoller {
  constructor(private readonly why: string) {}

  poll(): Promise<ProviderSnapshotResult> {
    return Promise.resolve({ status: 'ok', message: this.why, balance: null, limits: [], usage: null, raw: {} });
  }
}
