import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ChangeFeed, ChangedTable } from '@app/core';
import type { Caller } from './caller';
import { SessionRow, SessionStore } from './session.store';

const TTL_MS = 1000;
const MAX_CACHED = 10_000;

interface Cached {
  row: SessionRow | undefined;
  at: number;
}

/**
 * Resolves a token's session to a live caller: the session must exist, belong to the token's
 * subject, not be ended (sign-out) or expired; the user must be active and the token's version
 * current (a password change, deactivation or reset bumps it). Looked up in PostgreSQL at most
 * once a second per session, and forgotten at once when users or sessions change (the change
 * feed), so a sign-out or deactivation bites at once here and within a second on other replicas.
 */
@Injectable()
export class SessionService implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new Map<string, Cached>();
  private readonly onChange = (table: ChangedTable) => {
    if (table === 'users' || table === 'admin_sessions') this.cache.clear();
  };
  private readonly onResync = () => this.cache.clear();

  constructor(
    private readonly store: SessionStore,
    private readonly changes: ChangeFeed,
  ) {}

  onModuleInit(): void {
    this.changes.on('change', this.onChange);
    this.changes.on('resync', this.onResync);
  }

  onModuleDestroy(): void {
    this.changes.off('change', this.onChange);
    this.changes.off('resync', this.onResync);
  }

  async callerFor(sessionId: string, userId: string, tokenVersion: number): Promise<Caller | undefined> {
    const row = await this.session(sessionId);
    if (!row || !row.live || !row.userActive || row.userId !== userId || row.tokenVersion !== tokenVersion) return undefined;
    return { id: row.userId, email: row.email, role: row.role, departmentId: row.departmentId, sessionId };
  }

  /** Ends the caller's current session (sign-out): its token stops working at once. */
  async end(sessionId: string): Promise<void> {
    await this.store.end(sessionId);
    this.cache.delete(sessionId);
  }

  /** Forget a user's sessions at once (this process changed them). */
  forget(userId: string): void {
    for (const [sessionId, cached] of this.cache) if (cached.row?.userId === userId) this.cache.delete(sessionId);
  }

  private async session(sessionId: string): Promise<SessionRow | undefined> {
    const cached = this.cache.get(sessionId);
    if (cached && Date.now() - cached.at < TTL_MS) return cached.row;
    const row = await this.store.find(sessionId);
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(sessionId, { row, at: Date.now() });
    return row;
  }
}
