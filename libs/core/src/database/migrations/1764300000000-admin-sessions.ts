import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Admin API hardening: a row per sign-in, so `POST /api/auth/logout` ends one session server-side
 * (a token names its session); and who deactivated a user, so a team lead cannot undo an admin's
 * deactivation. Ending a session notifies the change feed, so every replica drops it at once.
 */
export class AdminSessions1764300000000 implements MigrationInterface {
  name = 'AdminSessions1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE admin_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ended_at timestamptz NULL
      )`);
    await q.query(`CREATE INDEX admin_sessions_user_idx ON admin_sessions (user_id, expires_at)`);
    await q.query(`
      CREATE TRIGGER admin_sessions_notify AFTER UPDATE OR DELETE OR TRUNCATE ON admin_sessions
      FOR EACH STATEMENT EXECUTE FUNCTION tollgate_notify_change()`);
    await q.query(`ALTER TABLE users ADD COLUMN deactivated_by uuid NULL REFERENCES users (id) ON DELETE SET NULL`);
    await q.query(`ALTER TABLE users ADD COLUMN deactivated_by_role text NULL CHECK (deactivated_by_role IN ('admin', 'finance', 'team_lead', 'developer'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN deactivated_by_role`);
    await q.query(`ALTER TABLE users DROP COLUMN deactivated_by`);
    await q.query(`DROP TABLE admin_sessions`);
  }
}
