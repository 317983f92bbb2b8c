import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every poll of a provider's quota, balance and usage endpoints, kept. */
export class ProviderSnapshots1764000000001 implements MigrationInterface {
  name = 'ProviderSnapshots1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provider_snapshots (
        id bigserial PRIMARY KEY,
        provider_id uuid NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
        taken_at timestamptz NOT NULL DEFAULT now(),
        status text NOT NULL CHECK (status IN ('ok', 'auth', 'limited', 'error')),
        message text NULL,
        balance numeric NULL,
        currency text NULL,
        limits jsonb NOT NULL DEFAULT '[]'::jsonb,
        usage jsonb NULL,
        raw jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX provider_snapshots_latest_idx ON provider_snapshots (provider_id, taken_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE provider_snapshots`);
  }
}
