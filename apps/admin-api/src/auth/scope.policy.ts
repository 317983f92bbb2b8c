import { Injectable } from '@nestjs/common';
import type { Role, User } from '@app/core';
import { forbidden } from '../common/errors';
import type { Caller } from './caller';

/** Roles a team lead may give or manage. */
const TEAM_LEAD_ASSIGNABLE: ReadonlySet<Role> = new Set(['developer', 'team_lead']);

/**
 * Department scoping, decided here and only here. Services call it with the records they are
 * about to read or change; it throws `forbidden` or returns the filter a listing must apply.
 */
@Injectable()
export class ScopePolicy {
  /** Reads of everything organisation-wide (finance, admin) vs. one department (team lead). */
  readableDepartment(caller: Caller, requested?: string | null): string | null {
    if (caller.role === 'admin' || caller.role === 'finance') return requested ?? null;
    if (caller.role === 'team_lead') {
      if (requested && requested !== caller.departmentId) throw forbidden('Team leads can only see their own department');
      if (!caller.departmentId) throw forbidden('You belong to no department');
      return caller.departmentId;
    }
    throw forbidden();
  }

  assertCanReadDepartment(caller: Caller, departmentId: string): void {
    this.readableDepartment(caller, departmentId);
  }

  assertCanReadUser(caller: Caller, user: Pick<User, 'id' | 'departmentId'>): void {
    if (caller.id === user.id || caller.role === 'admin' || caller.role === 'finance') return;
    if (caller.role === 'team_lead' && caller.departmentId && user.departmentId === caller.departmentId) return;
    throw forbidden('You may not see this user');
  }

  /** Creating or changing a user: `target` is the user as it is (undefined when creating), `next` as it will be. */
  assertCanWriteUser(caller: Caller, target: Pick<User, 'role' | 'departmentId'> | undefined, next: Pick<User, 'role' | 'departmentId'>): void {
    if (caller.role === 'admin') return;
    if (caller.role !== 'team_lead' || !caller.departmentId) throw forbidden();
    if (target && (target.departmentId !== caller.departmentId || !TEAM_LEAD_ASSIGNABLE.has(target.role))) {
      throw forbidden('Team leads manage developers and team leads of their own department only');
    }
    if (next.departmentId !== caller.departmentId) throw forbidden('Team leads can only place users in their own department');
    if (!TEAM_LEAD_ASSIGNABLE.has(next.role)) throw forbidden(`Team leads cannot give the role ${next.role}`);
  }

  /** Keys: admins for anyone, team leads within their department, everyone for themselves. */
  assertCanManageKeysOf(caller: Caller, owner: Pick<User, 'id' | 'departmentId' | 'role'>): void {
    if (caller.id === owner.id || caller.role === 'admin') return;
    if (caller.role === 'team_lead' && caller.departmentId && owner.departmentId === caller.departmentId && TEAM_LEAD_ASSIGNABLE.has(owner.role)) return;
    throw forbidden('You may not manage this user’s keys');
  }

  /** Quotas: admins anywhere, team leads on their department and its users. */
  assertCanWriteQuota(caller: Caller, subject: { departmentId: string | null }): void {
    if (caller.role === 'admin') return;
    if (caller.role === 'team_lead' && caller.departmentId && subject.departmentId === caller.departmentId) return;
    throw forbidden('Team leads set quotas for their own department and its users only');
  }

  assertCanReadQuota(caller: Caller, subject: { departmentId: string | null; userId?: string }): void {
    if (caller.role === 'admin' || caller.role === 'finance') return;
    if (subject.userId && subject.userId === caller.id) return;
    if (caller.role === 'team_lead' && caller.departmentId && subject.departmentId === caller.departmentId) return;
    throw forbidden('You may not see this quota');
  }
}
