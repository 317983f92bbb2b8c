import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ChangeFeed, ChangeFeedCache } from '@app/core';
import type { Caller } from './caller';
import { SessionRow, SessionStore } from './session.store';

const TTL_MS = 1000;
const MAX_CACHED = 10_000;

/**
 * Resolves a token's session to a live caller: the session must exist, belong to the token's
 * subject, not be ended (sign-out) or expired; the user must be active and the token's version
 * current (a password change, deactivation or reset bumps it). Looked up in PostgreSQL at most
 * once a second per session, and forgotten at once when users or sessions change (the change
 * feed), so a sign-out or deactivation bites at once here and within a second on other replicas.
 */
@Injectable()
export class SessionService implements OnModuleInit, OnModuleDestroy {
  private readonly cache: ChangeFeedCache<string, SessionRow | undefined>;

  constructor(
    private readonly store: SessionStore,
    changes: ChangeFeed,
  ) {
    this.cache = new ChangeFeedCache({
      feed: changes,
      tables: ['users', 'admin_sessions'],
      load: (sessionId) => this.store.find(sessionId),
      ttlMs: () => TTL_MS,
      maxEntries: MAX_CACHED,
    });
  }

  onModuleInit(): void {
    this.cache.start();
  }

  onModuleDestroy(): void {
    this.cache.stop();
  }

  async callerFor(sessionId: string, userId: string, tokenVersion: number): Promise<Caller | undefined> {
    const row = await this.cache.get(sessionId);
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
    this.cache.deleteWhere((row) => row?.userId === userId);
  }
}
