import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usage records PostgreSQL refused (DESIGN.md §5): the raw record as JSON text (text, not jsonb,
 * so an escaped NUL or lone surrogate is kept exactly as the spool held it), the database's
 * message and SQLSTATE, and whether a cleaned copy was committed in its place.
 */
export class UsageQuarantine1764200000000 implements MigrationInterface {
  name = 'UsageQuarantine1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE usage_quarantine (
        id bigserial PRIMARY KEY,
        event_id text NOT NULL,
        raw text NOT NULL,
        error text NOT NULL,
        sqlstate text NULL,
        cleaned_copy_committed boolean NOT NULL,
        quarantined_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT usage_quarantine_event_key UNIQUE (event_id)
      )`);
    await q.query(`CREATE INDEX usage_quarantine_time_idx ON usage_quarantine (quarantined_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE usage_quarantine`);
  }
}
