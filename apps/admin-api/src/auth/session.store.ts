import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '@app/core';

/** A session joined with its user, as the JWT guard needs it. */
export interface SessionRow {
  userId: string;
  email: string;
  role: Role;
  departmentId: string | null;
  userActive: boolean;
  tokenVersion: number;
  /** Not ended and not expired. */
  live: boolean;
}

/**
 * The `admin_sessions` table: one row per sign-in, named by the token's `sid` claim. All of its SQL.
 * Ending a session (or all of a user's) fires the change feed, so every replica drops it at once.
 */
interface SessionQueryRow {
  user_id: string;
  email: string;
  role: Role;
  department_id: string | null;
  active: boolean;
  token_version: number;
  live: boolean;
}

@Injectable()
export class SessionStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Opens a session for a sign-in (and sweeps the user's expired ones); returns its id. */
  async open(userId: string, ttlSeconds: number, manager: EntityManager = this.dataSource.manager): Promise<string> {
    await manager.query(`DELETE FROM admin_sessions WHERE user_id = $1 AND expires_at < now()`, [userId]);
    const [row] = await manager.query<Array<{ id: string }>>(
      `INSERT INTO admin_sessions (user_id, expires_at) VALUES ($1, now() + make_interval(secs => $2)) RETURNING id`,
      [userId, ttlSeconds],
    );
    return row.id;
  }

  async find(sessionId: string): Promise<SessionRow | undefined> {
    // At most one row: `[Row?]` keeps the "no such session" case in the type.
    const [row] = await this.dataSource.query<[SessionQueryRow?]>(
      `SELECT s.user_id, u.email, u.role, u.department_id, u.active, u.token_version, (s.ended_at IS NULL AND s.expires_at > now()) AS live
       FROM admin_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
      [sessionId],
    );
    if (!row) return undefined;
    return {
      userId: row.user_id,
      email: row.email,
      role: row.role,
      departmentId: row.department_id,
      userActive: row.active,
      tokenVersion: row.token_version,
      live: row.live,
    };
  }

  /** Ends one session (sign-out). */
  async end(sessionId: string): Promise<void> {
    await this.dataSource.query(`UPDATE admin_sessions SET ended_at = now() WHERE id = $1 AND ended_at IS NULL`, [sessionId]);
  }

  /** Ends every session of a user (password change or reset, deactivation). */
  async endAllOf(userId: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(`UPDATE admin_sessions SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL`, [userId]);
  }
}
