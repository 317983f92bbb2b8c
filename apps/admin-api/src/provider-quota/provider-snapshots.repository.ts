import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AccountSnapshotResult, AccountWindow, ProviderSnapshotResult, ReportedUsage } from '@app/providers';

export interface PolledProviderRow {
  id: string;
  name: string;
  kind: string;
  base_url: string;
  encrypted_credentials: string;
  options: Record<string, unknown>;
}

/** An account's latest snapshot as `GET /providers/quota` shows it (never credentials). */
export interface AccountSnapshotRow {
  accountId: string;
  accountName: string;
  takenAt: string;
  status: string;
  message: string | null;
  plan: string | null;
  windows: Record<string, AccountWindow>;
  credits: AccountSnapshotResult['credits'];
}

export interface SnapshotRow {
  providerId: string;
  providerName: string;
  kind: string;
  takenAt: string;
  status: string;
  message: string | null;
  balance: { amount: string; currency: string } | null;
  limits: unknown[];
  usage: ReportedUsage | null;
  /** Per-account snapshots (kinds polled per account); empty otherwise. */
  accounts: AccountSnapshotRow[];
}

/** Providers as the pollers read them, and every snapshot a poll took. */
@Injectable()
export class ProviderSnapshotsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findProvider(providerId: string): Promise<PolledProviderRow | undefined> {
    const [row]: PolledProviderRow[] = await this.dataSource.query(`SELECT id, name, kind, base_url, encrypted_credentials, options FROM providers WHERE id = $1`, [providerId]);
    return row;
  }

  async latestStatus(providerId: string): Promise<string | undefined> {
    const [row]: Array<{ status: string }> = await this.dataSource.query(
      `SELECT status FROM provider_snapshots WHERE provider_id = $1 AND account_id IS NULL ORDER BY taken_at DESC, id DESC LIMIT 1`,
      [providerId],
    );
    return row?.status;
  }

  async record(providerId: string, result: ProviderSnapshotResult): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO provider_snapshots (provider_id, status, message, balance, currency, limits, usage, raw) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [providerId, result.status, result.message, result.balance?.amount ?? null, result.balance?.currency ?? null, JSON.stringify(result.limits), result.usage ? JSON.stringify(result.usage) : null, JSON.stringify(result.raw)],
    );
  }

  async recordAccount(providerId: string, result: AccountSnapshotResult): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO provider_snapshots (provider_id, account_id, status, message, plan, windows, credits, raw) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [providerId, result.accountId, result.status, result.message, result.plan, JSON.stringify(result.windows), result.credits ? JSON.stringify(result.credits) : null, JSON.stringify(result.raw)],
    );
  }

  /** The account's latest snapshot before this poll (status and windows, for alerts on a change). */
  async latestOfAccount(accountId: string): Promise<{ status: string; windows: Record<string, AccountWindow> } | undefined> {
    const [row]: Array<{ status: string; windows: Record<string, AccountWindow> | null }> = await this.dataSource.query(
      `SELECT status, windows FROM provider_snapshots WHERE account_id = $1 ORDER BY taken_at DESC, id DESC LIMIT 1`,
      [accountId],
    );
    return row ? { status: row.status, windows: row.windows ?? {} } : undefined;
  }

  /** The latest snapshot of every provider (or one), each with its accounts' latest. */
  async latest(providerId?: string): Promise<SnapshotRow[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT DISTINCT ON (s.provider_id) s.provider_id, p.name, p.kind, s.taken_at, s.status, s.message, s.balance::text AS balance, s.currency, s.limits, s.usage
       FROM provider_snapshots s JOIN providers p ON p.id = s.provider_id
       WHERE s.account_id IS NULL AND ($1::uuid IS NULL OR s.provider_id = $1)
       ORDER BY s.provider_id, s.taken_at DESC, s.id DESC`,
      [providerId ?? null],
    );
    const accounts = await this.latestOfAccounts(providerId);
    return rows.map((row) => ({
      providerId: row.provider_id as string,
      providerName: row.name as string,
      kind: row.kind as string,
      takenAt: (row.taken_at as Date).toISOString(),
      status: row.status as string,
      message: row.message as string | null,
      balance: row.balance === null ? null : { amount: row.balance as string, currency: row.currency as string },
      limits: row.limits as unknown[],
      usage: row.usage as ReportedUsage | null,
      accounts: accounts.get(row.provider_id as string) ?? [],
    }));
  }

  private async latestOfAccounts(providerId?: string): Promise<Map<string, AccountSnapshotRow[]>> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT * FROM (
         SELECT DISTINCT ON (s.account_id) s.provider_id, s.account_id, a.name, s.taken_at, s.status, s.message, s.plan, s.windows, s.credits
         FROM provider_snapshots s JOIN provider_accounts a ON a.id = s.account_id
         WHERE s.account_id IS NOT NULL AND ($1::uuid IS NULL OR s.provider_id = $1)
         ORDER BY s.account_id, s.taken_at DESC, s.id DESC
       ) latest ORDER BY lower(name)`,
      [providerId ?? null],
    );
    const byProvider = new Map<string, AccountSnapshotRow[]>();
    for (const row of rows) {
      const list = byProvider.get(row.provider_id as string) ?? [];
      list.push({
        accountId: row.account_id as string,
        accountName: row.name as string,
        takenAt: (row.taken_at as Date).toISOString(),
        status: row.status as string,
        message: row.message as string | null,
        plan: row.plan as string | null,
        windows: (row.windows as Record<string, AccountWindow> | null) ?? {},
        credits: row.credits as AccountSnapshotResult['credits'],
      });
      byProvider.set(row.provider_id as string, list);
    }
    return byProvider;
  }

  /** Requests Tollgate metered for the provider in [from, to). */
  async meteredRequests(providerId: string, from: Date, to: Date): Promise<number> {
    const [row]: Array<{ n: string }> = await this.dataSource.query(
      `SELECT coalesce(sum(requests), 0)::bigint AS n FROM usage_rollups WHERE provider_id = $1 AND bucket_start >= $2 AND bucket_start < $3`,
      [providerId, from, to],
    );
    return Number(row.n);
  }
}
