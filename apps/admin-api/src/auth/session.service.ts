import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { User } from '@app/core';
import type { Caller } from './caller';

/**
 * Resolves a token's subject to a live caller. Read from PostgreSQL on every admin request
 * (admin traffic is light): a deactivated user or a changed password bites immediately.
 */
@Injectable()
export class SessionService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  async callerFor(userId: string, tokenVersion: number): Promise<Caller | undefined> {
    const user = await this.users.findOne({ where: { id: userId } });
    if (!user || !user.active || user.tokenVersion !== tokenVersion) return undefined;
    return { id: user.id, email: user.email, role: user.role, departmentId: user.departmentId };
  }
}
