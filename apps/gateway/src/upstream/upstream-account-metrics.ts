import { Injectable, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { ModelCatalogService } from '../catalog/model-catalog.service';
import { GatewayMetrics } from '../metrics/gateway-metrics.service';
import { AccountAlerts } from './account-alerts';
import { AccountHealthRecorder } from './account-health.recorder';
import { AccountHealthService } from './account-health.service';

const STATUSES = ['ok', 'cooling', 'auth', 'deactivated'] as const;

/**
 * Upstream account metrics on the gateway's /metrics: status per account (1 for the current
 * one), failed attempts per account and code (retried or not, never billed), failovers and alerts.
 */
@Injectable()
export class UpstreamAccountMetrics implements OnModuleInit {
  readonly failovers: Counter<'provider'>;
  private readonly failedAttempts: Counter<'provider' | 'account' | 'code'>;
  private readonly alerts: Counter<'type'>;

  constructor(
    metrics: GatewayMetrics,
    catalog: ModelCatalogService,
    health: AccountHealthService,
    private readonly recorder: AccountHealthRecorder,
    private readonly accountAlerts: AccountAlerts,
  ) {
    const registers = [metrics.registry];
    new Gauge({
      name: 'tollgate_upstream_account_status',
      help: 'Status of each enabled upstream account (1 for its current status)',
      labelNames: ['provider', 'account', 'name', 'status'] as const,
      registers,
      collect() {
        this.reset();
        const now = Date.now();
        for (const account of catalog.accounts()) {
          const current = health.statusOf(account, now);
          for (const status of STATUSES)
            this.set({ provider: account.providerId, account: account.id, name: account.name, status }, current === status ? 1 : 0);
        }
      },
    });
    this.failedAttempts = new Counter({
      name: 'tollgate_upstream_failed_attempts_total',
      help: 'Attempts an upstream account failed (429, 5xx, refused credentials, unreachable, final errors), by code; not usage events',
      labelNames: ['provider', 'account', 'code'] as const,
      registers,
    });
    this.failovers = new Counter({
      name: 'tollgate_upstream_failovers_total',
      help: 'Calls retried on another account or a fallback model before the first byte',
      labelNames: ['provider'] as const,
      registers,
    });
    this.alerts = new Counter({
      name: 'tollgate_upstream_account_alerts_total',
      help: 'Alerts raised about upstream accounts (auth, every account of a provider unavailable)',
      labelNames: ['type'] as const,
      registers,
    });
  }

  onModuleInit(): void {
    this.recorder.onFailedAttempt = (account, code) => this.failedAttempts.inc({ provider: account.providerId, account: account.id, code });
    this.accountAlerts.onAlert = (type) => this.alerts.inc({ type });
  }
}
