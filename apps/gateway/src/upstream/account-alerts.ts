import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, ROOT_LOGGER } from '@app/core';
import type { UpstreamAccount } from './upstream-account';

export type AccountAlertType = 'account_auth' | 'provider_accounts_unavailable';

const REPEAT_AFTER_MS = 5 * 60_000;

/**
 * Alerts about upstream accounts, the gateway's side of the provider alerts: an error log line
 * always, and the same JSON POST to ALERT_WEBHOOK_URL as the admin API's provider alerts (best
 * effort, never on the call's path). One alert per subject per five minutes.
 */
@Injectable()
export class AccountAlerts {
  private readonly lastRaised = new Map<string, number>();
  /** Called for each alert raised (metrics). */
  onAlert: ((type: AccountAlertType) => void) | undefined;

  constructor(
    private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  accountAuth(account: UpstreamAccount, code: string): void {
    this.raise(
      'account_auth',
      account.id,
      account.providerId,
      `upstream account ${account.name} refused its credentials (${code}); it stays out until they are edited`,
      {
        accountId: account.id,
        accountName: account.name,
        code,
      },
    );
  }

  allUnavailable(providerId: string, accounts: UpstreamAccount[], nextAt: number | null): void {
    this.raise('provider_accounts_unavailable', providerId, providerId, `every account of provider ${providerId} is cooling down or refused`, {
      accounts: accounts.length,
      availableAgainAt: nextAt === null ? null : new Date(nextAt).toISOString(),
    });
  }

  private raise(type: AccountAlertType, subject: string, providerId: string, message: string, details: Record<string, unknown>): void {
    const key = `${type}|${subject}`;
    const now = Date.now();
    if ((this.lastRaised.get(key) ?? 0) > now - REPEAT_AFTER_MS) return;
    this.lastRaised.set(key, now);
    this.onAlert?.(type);
    this.logger.error({ alert: type, providerId, details }, message);
    const url = this.config.alertWebhookUrl;
    if (!url) return;
    void fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'tollgate', at: new Date(now).toISOString(), type, providerId, providerName: null, message, details }),
      signal: AbortSignal.timeout(5000),
    }).catch((error: unknown) => this.logger.warn({ err: (error as Error).message }, 'alert webhook failed'));
  }
}
