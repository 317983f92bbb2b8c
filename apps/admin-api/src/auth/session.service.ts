import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ChangeFeed, ChangedTable, User } from '@app/core';
import type { Caller } from './caller';

const TTL_MS = 1000;

interface Session {
  caller: Caller;
  active: boolean;
  tokenVersion: number;
  at: number;
}

/**
 * Resolves a token's subject to a live caller: the user must still exist, be active, and the
 * token's version must match (a password change, deactivation or reset bumps it). Looked up in
 * PostgreSQL at most once a second per user, and forgotten at once when the users table changes
 * (the change feed), so a deactivation bites within a second even across replicas.
 */
@Injectable()
export class SessionService implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new Map<string, Session>();
  private readonly onChange = (table: ChangedTable) => {
    if (table === 'users') this.cache.clear();
  };
  private readonly onResync = () => this.cache.clear();

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(ChangeFeed) private readonly changes: ChangeFeed,
  ) {}

  onModuleInit(): void {
    this.changes.on('change', this.onChange);
    this.changes.on('resync', this.onResync);
  }

  onModuleDestroy(): void {
    this.changes.off('change', this.onChange);
    this.changes.off('resync', this.onResync);
  }

  async callerFor(userId: string, tokenVersion: number): Promise<Caller | undefined> {
    const session = await this.session(userId);
    if (!session || !session.active || session.tokenVersion !== tokenVersion) return undefined;
    return session.caller;
  }

  /** Forget a user at once (this process changed them). */
  forget(userId: string): void {
    this.cache.delete(userId);
  }

  private async session(userId: string): Promise<Session | undefined> {
    const cached = this.cache.get(userId);
    if (cached && Date.now() - cached.at < TTL_MS) return cached;
    const user = await this.users.findOne({ where: { id: userId } });
    if (!user) {
      this.cache.delete(userId);
      return undefined;
    }
    const session: Session = {
      caller: { id: user.id, email: user.email, role: user.role, departmentId: user.departmentId },
      active: user.active,
      tokenVersion: user.tokenVersion,
      at: Date.now(),
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(userId, session);
    return session;
  }
}
