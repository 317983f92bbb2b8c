import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, ROOT_LOGGER, SecretBox } from '@app/core';
import { AccountSnapshotResult, PollContext, PollTarget, providerKind, ProviderSnapshotResult, ReportedUsage, statusFor } from '@app/providers';
import { parseDecimal } from '@app/usage';
import { notFound } from '../common/errors';
import { AdminMetrics } from '../observability/admin-metrics.service';
import { ProviderAlertsService } from './provider-alerts.service';
import { ProviderPollAccountsRepository } from './provider-poll-accounts.repository';
import { ProviderPollStateRepository } from './provider-poll-state.repository';
import { PolledProviderRow, ProviderSnapshotsRepository, SnapshotRow } from './provider-snapshots.repository';

export type SnapshotView = SnapshotRow;

/**
 * Polls each provider's quota, balance and usage endpoints through its kind's poller and keeps
 * every snapshot. One poll per provider per PROVIDER_POLL_SECONDS across replicas: a replica
 * polls a provider only after claiming its turn (DESIGN §6). Each provider is isolated from the
 * others' failures; a 429 pushes the provider's next turn to its Retry-After.
 */
@Injectable()
export class ProviderPollingService {
  private readonly claimant = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    @Inject(ProviderPollStateRepository) private readonly state: ProviderPollStateRepository,
    @Inject(ProviderSnapshotsRepository) private readonly snapshots: ProviderSnapshotsRepository,
    @Inject(ProviderPollAccountsRepository) private readonly accounts: ProviderPollAccountsRepository,
    @Inject(SecretBox) private readonly secretBox: SecretBox,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ProviderAlertsService) private readonly alerts: ProviderAlertsService,
    @Inject(AdminMetrics) private readonly metrics: AdminMetrics,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** The scheduled tick: polls every enabled provider whose turn this replica claims. */
  async pollDue(): Promise<number> {
    let polled = 0;
    for (const providerId of await this.state.dueProviderIds()) {
      if (!(await this.state.claimDue(providerId, this.config.providerPollSeconds, this.claimant))) continue;
      const provider = await this.snapshots.findProvider(providerId);
      if (!provider) continue;
      await this.pollProvider(provider).catch((error: Error) => this.logger.error({ providerId, err: error.message }, 'provider poll failed'));
      polled++;
    }
    return polled;
  }

  /** "Poll now": the same claim without the time check, then the provider's latest snapshot. */
  async pollNow(providerId: string): Promise<SnapshotView> {
    const provider = await this.snapshots.findProvider(providerId);
    if (!provider) throw notFound('Provider', providerId);
    await this.state.claimNow(providerId, this.config.providerPollSeconds, this.claimant);
    await this.pollProvider(provider);
    const [latest] = await this.snapshots.latest(providerId);
    return latest;
  }

  latest(): Promise<SnapshotView[]> {
    return this.snapshots.latest();
  }

  /** Provider-reported usage for a period, or null where the kind offers no statistics API. */
  async reportedUsage(providerId: string, from: Date, to: Date): Promise<{ usage: ReportedUsage | null; status: string; message: string | null }> {
    const provider = await this.snapshots.findProvider(providerId);
    if (!provider) throw notFound('Provider', providerId);
    const poller = providerKind(provider.kind).poller;
    if (!poller.reportedUsage) return { usage: null, status: 'ok', message: `${provider.kind} offers no usage-statistics API; only Tollgate's figures are shown` };
    try {
      const result = await poller.reportedUsage(await this.target(provider), from, to, this.context());
      return { usage: result.usage, status: result.status, message: result.message };
    } catch (error) {
      const { status, message } = statusFor(error);
      return { usage: null, status, message };
    }
  }

  private async pollProvider(provider: PolledProviderRow): Promise<void> {
    const previous = await this.snapshots.latestStatus(provider.id);
    let result: ProviderSnapshotResult;
    try {
      result = await providerKind(provider.kind).poller.poll(await this.target(provider), this.context());
    } catch (error) {
      const { status, message, retryAfterSeconds } = statusFor(error);
      result = { status, message, balance: null, limits: [], usage: null, raw: {} };
      if (status === 'limited') await this.state.deferUntilAtLeast(provider.id, retryAfterSeconds ?? 60);
    }
    await this.snapshots.record(provider.id, result);
    this.metrics.providerPolls.inc({ kind: provider.kind, status: result.status });
    await this.alertOn(provider, result, previous);
    for (const account of result.accounts ?? []) {
      await this.recordAccount(provider, account).catch((error: Error) => this.logger.error({ providerId: provider.id, accountId: account.accountId, err: error.message }, 'account snapshot failed'));
    }
  }

  /** One account's snapshot, the status it puts the account in, and alerts on what changed. */
  private async recordAccount(provider: PolledProviderRow, account: AccountSnapshotResult): Promise<void> {
    const previous = await this.snapshots.latestOfAccount(account.accountId);
    await this.snapshots.recordAccount(provider.id, account);
    const base = { providerId: provider.id, providerName: provider.name, details: { accountId: account.accountId } };
    if (account.status === 'auth' || account.status === 'deactivated') {
      await this.accounts.markRefused(account.accountId, account.status, account.message ?? account.status);
      if (previous?.status !== account.status) {
        await this.alerts.raise({ ...base, type: account.status === 'auth' ? 'account_auth' : 'account_deactivated', message: `provider ${provider.name}, account ${account.accountId}: ${account.status} (${account.message ?? ''})` });
      }
    }
    const threshold = Number(provider.options.windowAlertPercent ?? 90);
    for (const window of Object.values(account.windows)) {
      const before = previous?.windows[window.name]?.usedPercent ?? 0;
      if (window.usedPercent >= threshold && before < threshold) {
        await this.alerts.raise({
          ...base,
          type: 'window_threshold',
          message: `provider ${provider.name}, account ${account.accountId}: ${window.name} window ${window.usedPercent}% used (alert at ${threshold}%), resets ${window.resetAt ?? 'unknown'}`,
          details: { accountId: account.accountId, window },
        });
      }
    }
  }

  private context(): PollContext {
    return {
      now: new Date(),
      timezone: this.config.timezone,
      timeoutMs: 10_000,
      refreshAccount: (accountId, refresh) => this.accounts.withCredentialsLocked(accountId, refresh),
    };
  }

  private async target(provider: PolledProviderRow): Promise<PollTarget> {
    return {
      providerId: provider.id,
      kind: provider.kind,
      baseUrl: provider.base_url,
      credentials: this.secretBox.openJson<PollTarget['credentials']>(provider.encrypted_credentials),
      options: provider.options,
      accounts: await this.accounts.accountsToPoll(provider.id),
    };
  }

  private async alertOn(provider: PolledProviderRow, result: ProviderSnapshotResult, previous: string | undefined): Promise<void> {
    const base = { providerId: provider.id, providerName: provider.name };
    if ((result.status === 'auth' || result.status === 'limited') && previous !== result.status) {
      await this.alerts.raise({ ...base, type: result.status === 'auth' ? 'provider_auth' : 'provider_limited', message: `provider ${provider.name}: ${result.status} (${result.message ?? ''})` });
    }
    const threshold = (provider.options.balanceAlertBelow as string | undefined) ?? this.config.alertBalanceBelow;
    if (result.balance && threshold !== undefined && parseDecimal(result.balance.amount) < parseDecimal(String(threshold))) {
      await this.alerts.raise({ ...base, type: 'low_balance', message: `provider ${provider.name}: balance ${result.balance.amount} ${result.balance.currency} is under ${threshold}`, details: { balance: result.balance } });
    }
    if (result.usage) {
      const metered = await this.snapshots.meteredRequests(provider.id, new Date(result.usage.from), new Date(result.usage.to));
      const reported = result.usage.requests;
      const drift = reported === 0 ? (metered === 0 ? 0 : 100) : (Math.abs(metered - reported) / reported) * 100;
      if (drift > this.config.alertDriftPercent) {
        await this.alerts.raise({ ...base, type: 'reconciliation_drift', message: `provider ${provider.name}: metered ${metered} requests, provider reports ${reported} (${drift.toFixed(1)}% drift)`, details: { metered, reported } });
      }
    }
  }
}
