import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { fetch } from 'undici';
import { AppConfig, ROOT_LOGGER } from '@app/core';
import { outboundDispatcher } from '@app/providers';

export interface ProviderAlert {
  type: 'low_balance' | 'provider_auth' | 'provider_limited' | 'reconciliation_drift' | 'account_auth' | 'account_deactivated' | 'window_threshold';
  providerId: string;
  providerName: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Alerts go to the log always, and to ALERT_WEBHOOK_URL when set (JSON POST, best effort, through HTTPS_PROXY/HTTP_PROXY/NO_PROXY). */
@Injectable()
export class ProviderAlertsService {
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async raise(alert: ProviderAlert): Promise<void> {
    this.logger.warn({ alert: alert.type, providerId: alert.providerId, details: alert.details }, alert.message);
    if (!this.config.alertWebhookUrl) return;
    await fetch(this.config.alertWebhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'tollgate', at: new Date().toISOString(), ...alert }),
      signal: AbortSignal.timeout(5000),
      dispatcher: outboundDispatcher(),
    })
      .then((res) => res.arrayBuffer())
      .catch((error: Error) => this.logger.warn({ err: error.message }, 'alert webhook failed'));
  }
}
