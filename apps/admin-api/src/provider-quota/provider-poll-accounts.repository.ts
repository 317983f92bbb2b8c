import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SecretBox } from '@app/core';
import type { PollAccount } from '@app/providers';

interface AccountRow {
  id: string;
  name: string;
  encrypted_credentials: string;
  options: Record<string, unknown>;
}

/**
 * Upstream accounts as the pollers see them: which to poll, their opened credentials, the
 * status a poll found (`auth`, `deactivated`), and token rotation under a row lock.
 */
@Injectable()
export class ProviderPollAccountsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SecretBox) private readonly secretBox: SecretBox,
  ) {}

  /**
   * Enabled accounts whose credentials may be used: an account in `auth` (refused, or its
   * provider's URL changed) or `deactivated` waits for its credentials to be sent again. An
   * account whose credentials cannot be opened is left out; the others are polled.
   */
  async accountsToPoll(providerId: string): Promise<PollAccount[]> {
    const rows: AccountRow[] = await this.dataSource.query(
      `SELECT id, name, encrypted_credentials, options FROM provider_accounts
       WHERE provider_id = $1 AND enabled AND status NOT IN ('auth', 'deactivated', 'disabled') ORDER BY lower(name)`,
      [providerId],
    );
    return rows.flatMap((row) => {
      const credentials = this.open(row.encrypted_credentials);
      return credentials ? [{ id: row.id, name: row.name, credentials, options: row.options ?? {} }] : [];
    });
  }

  /** What a poll found about the account's credentials or workspace; `ok` leaves health to the gateway. */
  async markRefused(accountId: string, status: 'auth' | 'deactivated', message: string): Promise<void> {
    await this.dataSource.query(`UPDATE provider_accounts SET status = $2, cooling_until = NULL, last_error = $3, last_error_at = now() WHERE id = $1`, [accountId, status, message]);
  }

  /**
   * Runs `refresh` with the account's credentials as stored now, holding its row lock so one
   * refresh at a time rotates a seat's tokens. What `store` sealed is committed even when
   * `refresh` fails after it: a spent refresh token is never restored.
   */
  async withCredentialsLocked<T>(accountId: string, refresh: (current: Record<string, unknown>, store: (credentials: Record<string, string>) => Promise<void>) => Promise<T>): Promise<T> {
    let failure: { error: unknown } | undefined;
    const result = await this.dataSource.transaction(async (manager) => {
      const [row]: Array<{ encrypted_credentials: string }> = await manager.query(`SELECT encrypted_credentials FROM provider_accounts WHERE id = $1 FOR UPDATE`, [accountId]);
      if (!row) throw new Error(`account ${accountId} no longer exists`);
      const current = this.open(row.encrypted_credentials) ?? {};
      const store = async (rotated: Record<string, string>) => {
        Object.assign(current, rotated);
        await manager.query(`UPDATE provider_accounts SET encrypted_credentials = $2, updated_at = now() WHERE id = $1`, [accountId, this.secretBox.sealJson(current)]);
      };
      try {
        return await refresh({ ...current }, store);
      } catch (error) {
        failure = { error };
        return undefined;
      }
    });
    if (failure) throw failure.error;
    return result as T;
  }

  private open(sealed: string): Record<string, unknown> | undefined {
    try {
      return this.secretBox.openJson<Record<string, unknown>>(sealed);
    } catch {
      return undefined;
    }
  }
}
