import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Upstream accounts: a provider holds one or more accounts, each with its own sealed credentials
 * (same SecretBox format as `providers.encrypted_credentials`), a weight for spreading calls, and
 * the health the gateway keeps (status, cool-down, last error, failed attempts).
 *
 * Existing providers get one account named `default` holding a copy of their sealed credentials,
 * so their key goes on working without SECRET_KEY being needed here. The provider keeps its own
 * sealed blob for provider-level credential options (billing access keys for polling); the
 * gateway reads keys from accounts only.
 *
 * Usage events gain `account_id` (events written before this migration keep NULL: rewriting a
 * partitioned history table is not a migration's job); rollups gain `account_id` in their key and
 * past rollups are attributed to the provider's migrated account, so per-account reports cover
 * history and per-provider sums are unchanged. Failed attempts (retried on another account, not
 * usage events) are counted per account and quarter hour in `provider_account_attempts`.
 */
export class ProviderAccounts1764600000000 implements MigrationInterface {
  name = 'ProviderAccounts1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provider_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider_id uuid NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
        name text NOT NULL,
        encrypted_credentials text NOT NULL,
        options jsonb NOT NULL DEFAULT '{}'::jsonb,
        weight int NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 1000),
        enabled boolean NOT NULL DEFAULT true,
        limit_group text NULL,
        status text NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'cooling', 'auth', 'disabled', 'deactivated')),
        cooling_until timestamptz NULL,
        last_error text NULL,
        last_error_at timestamptz NULL,
        failed_attempts bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX provider_accounts_name_key ON provider_accounts (provider_id, lower(name))`);
    await q.query(`
      INSERT INTO provider_accounts (provider_id, name, encrypted_credentials, created_at, updated_at)
      SELECT id, 'default', encrypted_credentials, created_at, now() FROM providers`);

    // The gateway's catalog follows accounts like providers. Health columns the gateway itself
    // writes while an account keeps failing (failed_attempts, last_error*, cooling_until) do not
    // notify: only configuration and status transitions do, so failures never cause a reload storm.
    await q.query(`
      CREATE TRIGGER provider_accounts_notify AFTER INSERT OR DELETE OR TRUNCATE ON provider_accounts
      FOR EACH STATEMENT EXECUTE FUNCTION tollgate_notify_change()`);
    await q.query(`
      CREATE TRIGGER provider_accounts_notify_update
      AFTER UPDATE OF provider_id, name, encrypted_credentials, options, weight, enabled, limit_group, status
      ON provider_accounts FOR EACH STATEMENT EXECUTE FUNCTION tollgate_notify_change()`);

    await q.query(`ALTER TABLE usage_events ADD COLUMN account_id uuid NULL`);
    await q.query(`ALTER TABLE usage_rollups ADD COLUMN account_id uuid NULL`);
    await q.query(`
      UPDATE usage_rollups r SET account_id = a.id
      FROM provider_accounts a WHERE a.provider_id = r.provider_id`);
    await q.query(`ALTER TABLE usage_rollups DROP CONSTRAINT usage_rollups_key`);
    await q.query(`
      ALTER TABLE usage_rollups ADD CONSTRAINT usage_rollups_key
      UNIQUE NULLS NOT DISTINCT (bucket_start, user_id, department_id, provider_id, account_id, model, currency)`);
    await q.query(`CREATE INDEX usage_rollups_account_idx ON usage_rollups (account_id, bucket_start)`);

    await q.query(`
      CREATE TABLE provider_account_attempts (
        bucket_start timestamptz NOT NULL,
        account_id uuid NOT NULL,
        provider_id uuid NOT NULL,
        failed_attempts bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket_start, account_id)
      )`);
    await q.query(`CREATE INDEX provider_account_attempts_account_idx ON provider_account_attempts (account_id, bucket_start)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE provider_account_attempts`);
    await q.query(`DROP INDEX usage_rollups_account_idx`);
    await q.query(`ALTER TABLE usage_rollups DROP CONSTRAINT usage_rollups_key`);
    // Per-account rows of one key fold back into one row per key.
    await q.query(`
      CREATE TEMP TABLE folded ON COMMIT DROP AS
      SELECT bucket_start, user_id, department_id, provider_id, model, currency,
             sum(requests) AS requests, sum(failed_requests) AS failed_requests, sum(prompt_tokens) AS prompt_tokens,
             sum(completion_tokens) AS completion_tokens, sum(cached_tokens) AS cached_tokens,
             sum(reasoning_tokens) AS reasoning_tokens, sum(total_tokens) AS total_tokens, sum(cost) AS cost
      FROM usage_rollups GROUP BY 1, 2, 3, 4, 5, 6`);
    await q.query(`DELETE FROM usage_rollups`);
    await q.query(`ALTER TABLE usage_rollups DROP COLUMN account_id`);
    await q.query(`
      INSERT INTO usage_rollups (bucket_start, user_id, department_id, provider_id, model, currency, requests, failed_requests,
        prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, total_tokens, cost)
      SELECT * FROM folded`);
    await q.query(`
      ALTER TABLE usage_rollups ADD CONSTRAINT usage_rollups_key
      UNIQUE NULLS NOT DISTINCT (bucket_start, user_id, department_id, provider_id, model, currency)`);
    await q.query(`ALTER TABLE usage_events DROP COLUMN account_id`);
    await q.query(`DROP TABLE provider_accounts`);
  }
}
