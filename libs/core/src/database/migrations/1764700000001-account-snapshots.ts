import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Snapshots per upstream account (ChatGPT/Codex seats are polled one by one): a snapshot row
 * with `account_id` is one account's poll, with its plan, usage windows (by name: `5h`, `7d`)
 * and credits; rows without it stay the provider's. Deleting an account deletes its snapshots.
 */
export class AccountSnapshots1764700000001 implements MigrationInterface {
  name = 'AccountSnapshots1764700000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE provider_snapshots ADD COLUMN account_id uuid NULL REFERENCES provider_accounts (id) ON DELETE CASCADE`);
    await q.query(`ALTER TABLE provider_snapshots ADD COLUMN plan text NULL`);
    await q.query(`ALTER TABLE provider_snapshots ADD COLUMN windows jsonb NULL`);
    await q.query(`ALTER TABLE provider_snapshots ADD COLUMN credits jsonb NULL`);
    await q.query(`CREATE INDEX provider_snapshots_account_latest_idx ON provider_snapshots (account_id, taken_at DESC) WHERE account_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX provider_snapshots_account_latest_idx`);
    await q.query(`ALTER TABLE provider_snapshots DROP COLUMN credits, DROP COLUMN windows, DROP COLUMN plan, DROP COLUMN account_id`);
  }
}
