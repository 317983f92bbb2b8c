import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole first schema: identity, catalog, usage (partitioned by month), rollups, quotas and
 * their leases, audit log, and the change feed that keeps gateway caches fresh.
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    await q.query(`
      CREATE TABLE departments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        allowed_models text[] NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX departments_name_key ON departments (lower(name))`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'finance', 'team_lead', 'developer')),
        department_id uuid NULL REFERENCES departments (id),
        password_hash text NULL,
        allowed_models text[] NULL,
        active boolean NOT NULL DEFAULT true,
        token_version int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await q.query(`CREATE INDEX users_department_idx ON users (department_id)`);

    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        name text NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        expires_at timestamptz NULL,
        revoked_at timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX api_keys_user_idx ON api_keys (user_id)`);

    await q.query(`
      CREATE TABLE providers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('dashscope', 'huawei-maas', 'openai')),
        base_url text NOT NULL,
        encrypted_credentials text NOT NULL,
        options jsonb NOT NULL DEFAULT '{}'::jsonb,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX providers_name_key ON providers (lower(name))`);

    await q.query(`
      CREATE TABLE models (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        provider_id uuid NOT NULL REFERENCES providers (id),
        upstream_model text NULL,
        input_price numeric NOT NULL CHECK (input_price >= 0),
        output_price numeric NOT NULL CHECK (output_price >= 0),
        cached_input_price numeric NULL CHECK (cached_input_price >= 0),
        currency text NOT NULL CHECK (currency IN ('CNY', 'USD')),
        price_tiers jsonb NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // Usage events: append-only, partitioned by month; a default partition catches anything a
    // partition job has not created yet, so no event is ever refused for its timestamp.
    await q.query(`
      CREATE TABLE usage_events (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        user_id uuid NOT NULL,
        department_id uuid NULL,
        api_key_id uuid NOT NULL,
        provider_id uuid NULL,
        model text NULL,
        endpoint text NOT NULL,
        stream boolean NOT NULL,
        status int NOT NULL,
        latency_ms int NOT NULL,
        ttft_ms int NULL,
        prompt_tokens int NOT NULL DEFAULT 0,
        completion_tokens int NOT NULL DEFAULT 0,
        cached_tokens int NOT NULL DEFAULT 0,
        reasoning_tokens int NOT NULL DEFAULT 0,
        total_tokens int NOT NULL DEFAULT 0,
        cost numeric NOT NULL DEFAULT 0,
        currency text NULL,
        input_price numeric NULL,
        output_price numeric NULL,
        cached_input_price numeric NULL,
        estimated boolean NOT NULL DEFAULT false,
        error_code text NULL,
        PRIMARY KEY (id, created_at)
      ) PARTITION BY RANGE (created_at)`);
    await q.query(`CREATE TABLE usage_events_default PARTITION OF usage_events DEFAULT`);
    await q.query(`CREATE INDEX usage_events_created_idx ON usage_events (created_at, id)`);
    await q.query(`CREATE INDEX usage_events_user_idx ON usage_events (user_id, created_at)`);
    await q.query(`CREATE INDEX usage_events_department_idx ON usage_events (department_id, created_at)`);
    await q.query(`CREATE INDEX usage_events_provider_idx ON usage_events (provider_id, created_at)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION tollgate_ensure_usage_partition(month_start date) RETURNS void AS $$
      DECLARE
        part text := 'usage_events_' || to_char(month_start, 'YYYYMM');
      BEGIN
        IF to_regclass(part) IS NULL THEN
          EXECUTE format(
            'CREATE TABLE %I PARTITION OF usage_events FOR VALUES FROM (%L) TO (%L)',
            part, month_start::timestamp AT TIME ZONE 'UTC',
            (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC');
        END IF;
      END $$ LANGUAGE plpgsql`);
    await q.query(`
      SELECT tollgate_ensure_usage_partition((date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m))::date)
      FROM generate_series(-1, 3) AS m`);

    // Quarter-hour rollups maintained by the metering writer in the same transaction as the events.
    await q.query(`
      CREATE TABLE usage_rollups (
        bucket_start timestamptz NOT NULL,
        user_id uuid NOT NULL,
        department_id uuid NULL,
        provider_id uuid NULL,
        model text NULL,
        currency text NULL,
        requests bigint NOT NULL DEFAULT 0,
        failed_requests bigint NOT NULL DEFAULT 0,
        prompt_tokens bigint NOT NULL DEFAULT 0,
        completion_tokens bigint NOT NULL DEFAULT 0,
        cached_tokens bigint NOT NULL DEFAULT 0,
        reasoning_tokens bigint NOT NULL DEFAULT 0,
        total_tokens bigint NOT NULL DEFAULT 0,
        cost numeric NOT NULL DEFAULT 0,
        CONSTRAINT usage_rollups_key UNIQUE NULLS NOT DISTINCT (bucket_start, user_id, department_id, provider_id, model, currency)
      )`);
    await q.query(`CREATE INDEX usage_rollups_department_idx ON usage_rollups (department_id, bucket_start)`);
    await q.query(`CREATE INDEX usage_rollups_user_idx ON usage_rollups (user_id, bucket_start)`);
    await q.query(`CREATE INDEX usage_rollups_provider_idx ON usage_rollups (provider_id, bucket_start)`);

    await q.query(`
      CREATE TABLE quotas (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        scope text NOT NULL CHECK (scope IN ('user', 'department')),
        subject_id uuid NOT NULL,
        period text NOT NULL CHECK (period IN ('minute', 'day', 'week', 'month')),
        max_tokens bigint NULL CHECK (max_tokens >= 0),
        max_requests bigint NULL CHECK (max_requests >= 0),
        max_cost numeric NULL CHECK (max_cost >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (scope, subject_id, period)
      )`);
    // Committed usage per quota and period; the ledger's invariant is used + Σ leases ≤ limit.
    await q.query(`
      CREATE TABLE quota_usage (
        quota_id uuid NOT NULL REFERENCES quotas (id) ON DELETE CASCADE,
        period_start timestamptz NOT NULL,
        used_tokens bigint NOT NULL DEFAULT 0,
        used_requests bigint NOT NULL DEFAULT 0,
        used_cost numeric NOT NULL DEFAULT 0,
        PRIMARY KEY (quota_id, period_start)
      )`);
    await q.query(`
      CREATE TABLE quota_leases (
        quota_id uuid NOT NULL REFERENCES quotas (id) ON DELETE CASCADE,
        period_start timestamptz NOT NULL,
        replica_id text NOT NULL,
        tokens bigint NOT NULL DEFAULT 0,
        requests bigint NOT NULL DEFAULT 0,
        cost numeric NOT NULL DEFAULT 0,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (quota_id, period_start, replica_id)
      )`);

    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        actor_id uuid NULL,
        actor_email text NULL,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NULL,
        before jsonb NULL,
        after jsonb NULL
      )`);
    await q.query(`CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC)`);

    // Change feed: any write to what the gateway caches notifies every replica, whoever wrote it
    // (admin API, CLI, or SQL by hand), so caches are invalidated within a second.
    await q.query(`
      CREATE OR REPLACE FUNCTION tollgate_notify_change() RETURNS trigger AS $$
      BEGIN
        PERFORM pg_notify('tollgate_changes', TG_TABLE_NAME);
        RETURN NULL;
      END $$ LANGUAGE plpgsql`);
    for (const table of ['departments', 'users', 'api_keys', 'providers', 'models', 'quotas']) {
      await q.query(`
        CREATE TRIGGER ${table}_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION tollgate_notify_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_log',
      'quota_leases',
      'quota_usage',
      'quotas',
      'usage_rollups',
      'usage_events',
      'models',
      'providers',
      'api_keys',
      'users',
      'departments',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
    }
    await q.query(`DROP FUNCTION IF EXISTS tollgate_notify_change()`);
    await q.query(`DROP FUNCTION IF EXISTS tollgate_ensure_usage_partition(date)`);
  }
}
