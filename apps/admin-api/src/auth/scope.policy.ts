import { Injectable } from '@nestjs/common';
import type { Role, User } from '@app/core';
import { forbidden } from '../common/errors';
import type { Caller } from './caller';

/** Roles a team lead may give, and whose holders (in their department) they manage: developers only. */
const TEAM_LEAD_ASSIGNABLE: ReadonlySet<Role> = new Set<Role>(['developer']);

type UserScope = Pick<User, 'id' | 'role' | 'departmentId'> & { active?: boolean; deactivatedByRole?: Role | null };
type UserChange = Pick<User, 'role' | 'departmentId'> & { active?: boolean };

/** What a quota is set on: a department, or a user as they are now. */
export type QuotaSubject = { scope: 'department'; departmentId: string } | { scope: 'user'; userId: string; role: Role; departmentId: string | null };

/**
 * Department scoping, decided here and only here (roles → permissions is permissions.ts).
 * Services call it with the records they are about to read or change; it throws `ForbiddenError`
 * (403) or returns the filter a listing must apply.
 *
 * - admin: everything.
 * - finance: reads everything, writes nothing but their own password and keys.
 * - team lead: reads their own department and its users; manages its developers only (accounts,
 *   keys, quotas), gives only the developer role, never moves anyone out of (or into another)
 *   department, never undoes an admin's deactivation, and never sets a quota on themself, another
 *   team lead, admin or finance users, or the department as a whole (nobody lifts their own limits).
 * - developer: themself.
 * - nobody changes their own role or department, or deactivates themself (no lock-outs, no self-promotion).
 */
@Injectable()
export class ScopePolicy {
  /**
   * The department a listing is limited to: `null` means every department (admin, finance, unless
   * they ask for one); a team lead always gets their own, and 403 for asking for another.
   */
  readableDepartment(caller: Caller, requested?: string | null): string | null {
    if (caller.role === 'admin' || caller.role === 'finance') return requested ?? null;
    if (caller.role === 'team_lead') {
      if (!caller.departmentId) throw forbidden('You belong to no department');
      if (requested && requested !== caller.departmentId) throw forbidden('Team leads can only see their own department');
      return caller.departmentId;
    }
    throw forbidden('Your role cannot see departments');
  }

  assertCanReadDepartment(caller: Caller, departmentId: string): void {
    this.readableDepartment(caller, departmentId);
  }

  assertCanReadUser(caller: Caller, user: Pick<User, 'id' | 'departmentId'>): void {
    if (caller.id === user.id || caller.role === 'admin' || caller.role === 'finance') return;
    if (caller.role === 'team_lead' && caller.departmentId && user.departmentId === caller.departmentId) return;
    throw forbidden('You may not see this user');
  }

  /**
   * Creating (`target` undefined) or changing a user (`target` as it is); `next` is the user as
   * it will be. Covers role, department and activation.
   */
  assertCanWriteUser(caller: Caller, target: UserScope | undefined, next: UserChange): void {
    if (target && target.id === caller.id) {
      if (next.role !== target.role) throw forbidden('You cannot change your own role; ask another administrator');
      if (next.departmentId !== target.departmentId) throw forbidden('You cannot move yourself to another department');
      if (next.active === false) throw forbidden('You cannot deactivate yourself');
    }
    if (caller.role === 'admin') return;
    if (caller.role !== 'team_lead') throw forbidden('Your role cannot change users');
    if (!caller.departmentId) throw forbidden('You belong to no department');
    if (target && (target.id === caller.id || target.departmentId !== caller.departmentId || !TEAM_LEAD_ASSIGNABLE.has(target.role))) {
      throw forbidden('Team leads manage the developers of their own department only');
    }
    if (next.departmentId !== caller.departmentId) throw forbidden('departmentId: team leads can only place users in their own department');
    if (!TEAM_LEAD_ASSIGNABLE.has(next.role)) throw forbidden(`role: team leads can give only the developer role, not ${next.role}`);
    if (target && target.active === false && next.active !== false && target.deactivatedByRole !== 'team_lead') {
      throw forbidden('active: this user was deactivated by an administrator; only an administrator can reactivate them');
    }
  }

  /** API keys: admins for anyone, team leads for the developers of their department, everyone for themself. */
  assertCanManageKeysOf(caller: Caller, owner: UserScope): void {
    if (caller.id === owner.id || caller.role === 'admin') return;
    if (caller.role === 'team_lead' && caller.departmentId && owner.departmentId === caller.departmentId && TEAM_LEAD_ASSIGNABLE.has(owner.role)) return;
    throw forbidden('You may not manage this user’s API keys');
  }

  /**
   * Setting or removing a quota (CONTRACT Quotas, "who sets what"): admins anything, department
   * budgets included; team leads only on the developers of their own department — never on
   * themselves, another team lead, admin or finance users, nor on the department as a whole.
   */
  assertCanWriteQuota(caller: Caller, subject: QuotaSubject): void {
    if (caller.role === 'admin') return;
    if (caller.role !== 'team_lead' || !caller.departmentId) throw forbidden('Your role cannot set quotas');
    if (subject.scope === 'department') throw forbidden('scope: department budgets are set by administrators; team leads set quotas on their developers');
    if (subject.userId === caller.id) throw forbidden('subjectId: nobody sets their own quota');
    if (subject.departmentId !== caller.departmentId) throw forbidden('subjectId: team leads set quotas for their own department’s developers only');
    if (!TEAM_LEAD_ASSIGNABLE.has(subject.role)) throw forbidden(`subjectId: team leads set quotas on developers only, not on a ${subject.role}`);
  }

  /** Quotas: admins and finance anywhere, team leads in their department, everyone their own. */
  assertCanReadQuota(caller: Caller, subject: { departmentId: string | null; userId?: string }): void {
    if (caller.role === 'admin' || caller.role === 'finance') return;
    if (subject.userId && subject.userId === caller.id) return;
    if (caller.role === 'team_lead' && caller.departmentId && subject.departmentId === caller.departmentId) return;
    throw forbidden('You may not see this quota');
  }
}
