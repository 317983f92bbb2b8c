import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AppConfig, ProviderKind, ROOT_LOGGER, SecretBox } from '@app/core';
import { DashScopePoller, HuaweiMaasPoller, PollTarget, ProviderSnapshotResult, ReportedUsage, statusFor } from '@app/providers';
import { parseDecimal } from '@app/usage';
import { notFound } from '../common/errors';
import { AdminMetrics } from '../observability/admin-metrics.service';
import { ProviderAlertsService } from './provider-alerts.service';

const POLL_LOCK_ID = 7_304_112_003;

interface ProviderRow {
  id: string;
  name: string;
  kind: ProviderKind;
  base_url: string;
  encrypted_credentials: string;
  options: Record<string, unknown>;
}

export interface SnapshotView {
  providerId: string;
  providerName: string;
  kind: ProviderKind;
  takenAt: string;
  status: string;
  message: string | null;
  balance: { amount: string; currency: string } | null;
  limits: unknown[];
  usage: ReportedUsage | null;
}

/**
 * Polls each provider's quota, balance and usage endpoints and keeps every snapshot. One runner
 * at a time across admin replicas (advisory lock per run); each provider isolated from the
 * others' failures; 429s honour Retry-After by skipping that provider until then.
 */
@Injectable()
export class ProviderPollingService {
  private readonly dashscope = new DashScopePoller();
  private readonly huawei = new HuaweiMaasPoller();
  private readonly backoffUntil = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SecretBox) private readonly secretBox: SecretBox,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ProviderAlertsService) private readonly alerts: ProviderAlertsService,
    @Inject(AdminMetrics) private readonly metrics: AdminMetrics,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** The scheduled run: every enabled provider, under the lock; false when another replica holds it. */
  async pollAll(): Promise<boolean> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock($1) AS locked`, [POLL_LOCK_ID]);
      if (!locked) return false;
      try {
        const providers: ProviderRow[] = await this.dataSource.query(`SELECT id, name, kind, base_url, encrypted_credentials, options FROM providers WHERE enabled`);
        for (const provider of providers) {
          if ((this.backoffUntil.get(provider.id) ?? 0) > Date.now()) continue;
          await this.pollProvider(provider).catch((error: Error) => this.logger.error({ providerId: provider.id, err: error.message }, 'provider poll failed'));
        }
        return true;
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1)`, [POLL_LOCK_ID]);
      }
    } finally {
      await runner.release();
    }
  }

  async pollOne(providerId: string): Promise<SnapshotView> {
    const [provider]: ProviderRow[] = await this.dataSource.query(`SELECT id, name, kind, base_url, encrypted_credentials, options FROM providers WHERE id = $1`, [providerId]);
    if (!provider) throw notFound('Provider', providerId);
    await this.pollProvider(provider);
    return (await this.latest()).find((snapshot) => snapshot.providerId === providerId)!;
  }

  /** The latest snapshot of every provider. */
  async latest(): Promise<SnapshotView[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT DISTINCT ON (s.provider_id) s.provider_id, p.name, p.kind, s.taken_at, s.status, s.message, s.balance::text AS balance, s.currency, s.limits, s.usage
       FROM provider_snapshots s JOIN providers p ON p.id = s.provider_id
       ORDER BY s.provider_id, s.taken_at DESC, s.id DESC`,
    );
    return rows.map((row) => ({
      providerId: row.provider_id as string,
      providerName: row.name as string,
      kind: row.kind as ProviderKind,
      takenAt: (row.taken_at as Date).toISOString(),
      status: row.status as string,
      message: row.message as string | null,
      balance: row.balance === null ? null : { amount: row.balance as string, currency: row.currency as string },
      limits: row.limits as unknown[],
      usage: row.usage as ReportedUsage | null,
    }));
  }

  /** Provider-reported usage for a period (Huawei MaaS statistics), or null where the provider offers none. */
  async reportedUsage(providerId: string, from: Date, to: Date): Promise<{ usage: ReportedUsage | null; status: string; message: string | null }> {
    const [provider]: ProviderRow[] = await this.dataSource.query(`SELECT id, name, kind, base_url, encrypted_credentials, options FROM providers WHERE id = $1`, [providerId]);
    if (!provider) throw notFound('Provider', providerId);
    if (provider.kind !== 'huawei-maas') return { usage: null, status: 'ok', message: `${provider.kind} offers no usage-statistics API; only Tollgate's figures are shown` };
    try {
      const result = await this.huawei.poll(this.target(provider), from, to, this.config.timezone);
      return { usage: result.usage, status: result.status, message: result.message };
    } catch (error) {
      const { status, message } = statusFor(error);
      return { usage: null, status, message };
    }
  }

  private async pollProvider(provider: ProviderRow): Promise<void> {
    const previous = (await this.dataSource.query(`SELECT status FROM provider_snapshots WHERE provider_id = $1 ORDER BY taken_at DESC, id DESC LIMIT 1`, [provider.id]))[0]?.status as string | undefined;
    let result: ProviderSnapshotResult;
    try {
      result = await this.poll(provider);
    } catch (error) {
      const { status, message, retryAfterSeconds } = statusFor(error);
      result = { status, message, balance: null, limits: [], usage: null, raw: {} };
      if (status === 'limited') this.backoffUntil.set(provider.id, Date.now() + (retryAfterSeconds ?? 60) * 1000);
    }
    await this.dataSource.query(
      `INSERT INTO provider_snapshots (provider_id, status, message, balance, currency, limits, usage, raw) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [provider.id, result.status, result.message, result.balance?.amount ?? null, result.balance?.currency ?? null, JSON.stringify(result.limits), result.usage ? JSON.stringify(result.usage) : null, JSON.stringify(result.raw)],
    );
    this.metrics.providerPolls.inc({ kind: provider.kind, status: result.status });
    await this.alertOn(provider, result, previous);
  }

  private poll(provider: ProviderRow): Promise<ProviderSnapshotResult> {
    const target = this.target(provider);
    switch (provider.kind) {
      case 'dashscope':
        return this.dashscope.poll(target);
      case 'huawei-maas': {
        const now = new Date();
        const from = DateTime.fromJSDate(now, { zone: this.config.timezone }).startOf('day').toJSDate();
        return this.huawei.poll(target, from, now, this.config.timezone);
      }
      case 'openai':
        return Promise.resolve({ status: 'ok', message: 'OpenAI-compatible providers expose no quota or balance endpoint', balance: null, limits: [], usage: null, raw: {} });
    }
  }

  private target(provider: ProviderRow): PollTarget {
    return {
      kind: provider.kind,
      baseUrl: provider.base_url,
      credentials: this.secretBox.openJson<PollTarget['credentials']>(provider.encrypted_credentials),
      options: provider.options,
    };
  }

  private async alertOn(provider: ProviderRow, result: ProviderSnapshotResult, previous: string | undefined): Promise<void> {
    const base = { providerId: provider.id, providerName: provider.name };
    if ((result.status === 'auth' || result.status === 'limited') && previous !== result.status) {
      await this.alerts.raise({ ...base, type: result.status === 'auth' ? 'provider_auth' : 'provider_limited', message: `provider ${provider.name}: ${result.status} (${result.message ?? ''})` });
    }
    const threshold = (provider.options.balanceAlertBelow as string | undefined) ?? this.config.alertBalanceBelow;
    if (result.balance && threshold !== undefined && parseDecimal(result.balance.amount) < parseDecimal(String(threshold))) {
      await this.alerts.raise({ ...base, type: 'low_balance', message: `provider ${provider.name}: balance ${result.balance.amount} ${result.balance.currency} is under ${threshold}`, details: { balance: result.balance } });
    }
    if (result.usage) {
      const metered = await this.meteredRequests(provider.id, new Date(result.usage.from), new Date(result.usage.to));
      const reported = result.usage.requests;
      const drift = reported === 0 ? (metered === 0 ? 0 : 100) : (Math.abs(metered - reported) / reported) * 100;
      if (drift > this.config.alertDriftPercent) {
        await this.alerts.raise({ ...base, type: 'reconciliation_drift', message: `provider ${provider.name}: metered ${metered} requests, provider reports ${reported} (${drift.toFixed(1)}% drift)`, details: { metered, reported } });
      }
    }
  }

  private async meteredRequests(providerId: string, from: Date, to: Date): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT coalesce(sum(requests), 0)::bigint AS n FROM usage_rollups WHERE provider_id = $1 AND bucket_start >= $2 AND bucket_start < $3`, [providerId, from, to]);
    return Number(row.n);
  }
}
