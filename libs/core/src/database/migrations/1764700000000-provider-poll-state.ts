import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One poll per provider per period across admin-API replicas (DESIGN §6): each provider's next
 * turn is a row, claimed with `UPDATE ... WHERE next_at <= now() RETURNING`, so whichever replica
 * gets the row polls and the others skip it. A 429 pushes `next_at` to its Retry-After.
 *
 * Provider kinds are defined by libs/providers (one folder each) and validated by the admin API,
 * so the database no longer lists them (adding a kind needs no migration). Snapshots gain the
 * `deactivated` status (a ChatGPT workspace that answers 402 `deactivated_workspace`).
 */
export class ProviderPollState1764700000000 implements MigrationInterface {
  name = 'ProviderPollState1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provider_poll_state (
        provider_id uuid PRIMARY KEY REFERENCES providers (id) ON DELETE CASCADE,
        next_at timestamptz NOT NULL DEFAULT now(),
        claimed_at timestamptz NULL,
        claimed_by text NULL
      )`);
    await q.query(`ALTER TABLE providers DROP CONSTRAINT IF EXISTS providers_kind_check`);
    await q.query(`ALTER TABLE provider_snapshots DROP CONSTRAINT IF EXISTS provider_snapshots_status_check`);
    await q.query(
      `ALTER TABLE provider_snapshots ADD CONSTRAINT provider_snapshots_status_check CHECK (status IN ('ok', 'auth', 'limited', 'error', 'deactivated'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE provider_snapshots DROP CONSTRAINT provider_snapshots_status_check`);
    await q.query(`ALTER TABLE provider_snapshots ADD CONSTRAINT provider_snapshots_status_check CHECK (status IN ('ok', 'auth', 'limited', 'error'))`);
    await q.query(`DROP TABLE provider_poll_state`);
  }
}
