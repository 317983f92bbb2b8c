import type { Role } from '@app/core';
import { ForbiddenError } from '../common/errors';
import type { Caller } from './caller';
import { Permission, ROLE_PERMISSIONS, roleHas } from './permissions';
import { ScopePolicy } from './scope.policy';

const A = 'aaaaaaaa-0000-4000-8000-000000000000';
const B = 'bbbbbbbb-0000-4000-8000-000000000000';
const caller = (role: Role, departmentId: string | null = A, id = `${role}-id`): Caller => ({ id, email: `${role}@x`, role, departmentId });
const user = (role: Role, departmentId: string | null, id = `${role}-${departmentId}`) => ({ id, role, departmentId });

describe('ScopePolicy', () => {
  const policy = new ScopePolicy();

  it('limits listings: admin and finance see all (or what they ask), a team lead their department, a developer nothing', () => {
    expect(policy.readableDepartment(caller('admin', null))).toBeNull();
    expect(policy.readableDepartment(caller('finance', null), B)).toBe(B);
    expect(policy.readableDepartment(caller('team_lead'))).toBe(A);
    expect(policy.readableDepartment(caller('team_lead'), A)).toBe(A);
    expect(() => policy.readableDepartment(caller('team_lead'), B)).toThrow(ForbiddenError);
    expect(() => policy.readableDepartment(caller('team_lead', null))).toThrow(ForbiddenError);
    expect(() => policy.readableDepartment(caller('developer'))).toThrow(ForbiddenError);
  });

  it('lets a team lead create and manage only developers of their own department, giving only the developer role', () => {
    const lead = caller('team_lead');
    expect(() => policy.assertCanWriteUser(lead, undefined, { role: 'developer', departmentId: A })).not.toThrow();
    expect(() => policy.assertCanWriteUser(lead, undefined, { role: 'team_lead', departmentId: A })).toThrow(ForbiddenError);
    expect(() => policy.assertCanWriteUser(lead, undefined, { role: 'admin', departmentId: A })).toThrow(ForbiddenError);
    expect(() => policy.assertCanWriteUser(lead, undefined, { role: 'finance', departmentId: A })).toThrow(ForbiddenError);
    expect(() => policy.assertCanWriteUser(lead, undefined, { role: 'developer', departmentId: B })).toThrow(ForbiddenError);
    expect(() => policy.assertCanWriteUser(lead, user('developer', A), { role: 'developer', departmentId: A })).not.toThrow();
    expect(() => policy.assertCanWriteUser(lead, user('developer', A), { role: 'team_lead', departmentId: A })).toThrow(ForbiddenError);
    expect(() => policy.assertCanWriteUser(lead, user('team_lead', A), { role: 'team_lead', departmentId: A })).toThrow(ForbiddenError);
    expect(() => policy.assertCanWriteUser(lead, user('developer', A), { role: 'developer', departmentId: B })).toThrow(ForbiddenError);
    expect(() => policy.assertCanWriteUser(lead, user('developer', B), { role: 'developer', departmentId: A })).toThrow(ForbiddenError);
    expect(() => policy.assertCanWriteUser(lead, user('admin', A), { role: 'admin', departmentId: A })).toThrow(ForbiddenError);
  });

  it('lets a team lead reactivate only a developer a team lead deactivated', () => {
    const lead = caller('team_lead');
    const byLead = { ...user('developer', A), active: false, deactivatedByRole: 'team_lead' as const };
    const byAdmin = { ...user('developer', A), active: false, deactivatedByRole: 'admin' as const };
    const outsideTheApi = { ...user('developer', A), active: false, deactivatedByRole: null };
    expect(() => policy.assertCanWriteUser(lead, byLead, { role: 'developer', departmentId: A, active: true })).not.toThrow();
    expect(() => policy.assertCanWriteUser(lead, byAdmin, { role: 'developer', departmentId: A, active: true })).toThrow(ForbiddenError);
    expect(() => policy.assertCanWriteUser(lead, outsideTheApi, { role: 'developer', departmentId: A, active: true })).toThrow(ForbiddenError);
    expect(() => policy.assertCanWriteUser(lead, byAdmin, { role: 'developer', departmentId: A, active: false })).not.toThrow(); // still inactive
    expect(() => policy.assertCanWriteUser(caller('admin', null), byAdmin, { role: 'developer', departmentId: A, active: true })).not.toThrow();
  });

  it('lets nobody change their own role or department or deactivate themself, admins included', () => {
    for (const role of ['admin', 'team_lead'] as const) {
      const me = caller(role);
      const target = { id: me.id, role, departmentId: A };
      expect(() => policy.assertCanWriteUser(me, target, { role: 'developer', departmentId: A })).toThrow(ForbiddenError);
      expect(() => policy.assertCanWriteUser(me, target, { role, departmentId: B })).toThrow(ForbiddenError);
      expect(() => policy.assertCanWriteUser(me, target, { role, departmentId: A, active: false })).toThrow(ForbiddenError);
    }
    expect(() =>
      policy.assertCanWriteUser(caller('admin'), { id: 'admin-id', role: 'admin', departmentId: A }, { role: 'admin', departmentId: A }),
    ).not.toThrow();
    expect(() =>
      policy.assertCanWriteUser(caller('team_lead'), { id: 'team_lead-id', role: 'team_lead', departmentId: A }, { role: 'team_lead', departmentId: A }),
    ).toThrow(ForbiddenError);
  });

  it('never lets finance or developers write users', () => {
    for (const role of ['finance', 'developer'] as const) {
      expect(() => policy.assertCanWriteUser(caller(role), undefined, { role: 'developer', departmentId: A })).toThrow(ForbiddenError);
    }
  });

  it('scopes API keys: self always, team lead for own department’s developers, admin everyone', () => {
    expect(() => policy.assertCanManageKeysOf(caller('developer', A, 'me'), user('developer', A, 'me'))).not.toThrow();
    expect(() => policy.assertCanManageKeysOf(caller('finance', null, 'me'), user('finance', null, 'me'))).not.toThrow();
    expect(() => policy.assertCanManageKeysOf(caller('developer'), user('developer', A))).toThrow(ForbiddenError);
    expect(() => policy.assertCanManageKeysOf(caller('team_lead'), user('developer', A))).not.toThrow();
    expect(() => policy.assertCanManageKeysOf(caller('team_lead'), user('admin', A))).toThrow(ForbiddenError);
    expect(() => policy.assertCanManageKeysOf(caller('team_lead'), user('team_lead', A))).toThrow(ForbiddenError);
    expect(() => policy.assertCanManageKeysOf(caller('team_lead'), user('developer', B))).toThrow(ForbiddenError);
    expect(() => policy.assertCanManageKeysOf(caller('finance', null), user('developer', A))).toThrow(ForbiddenError);
    expect(() => policy.assertCanManageKeysOf(caller('admin', null), user('developer', B))).not.toThrow();
  });

  it('scopes quota writes: admin anything; a team lead only their own department’s developers', () => {
    const lead = caller('team_lead');
    const onUser = (role: Role, departmentId: string | null, userId = `${role}-${departmentId}`) => ({ scope: 'user' as const, userId, role, departmentId });
    expect(() => policy.assertCanWriteQuota(lead, onUser('developer', A))).not.toThrow();
    expect(() => policy.assertCanWriteQuota(lead, onUser('developer', B))).toThrow(ForbiddenError);
    expect(() => policy.assertCanWriteQuota(lead, onUser('team_lead', A, lead.id))).toThrow(ForbiddenError); // themself
    expect(() => policy.assertCanWriteQuota(lead, onUser('team_lead', A))).toThrow(ForbiddenError); // another team lead
    expect(() => policy.assertCanWriteQuota(lead, onUser('admin', A))).toThrow(ForbiddenError);
    expect(() => policy.assertCanWriteQuota(lead, onUser('finance', A))).toThrow(ForbiddenError);
    expect(() => policy.assertCanWriteQuota(lead, { scope: 'department', departmentId: A })).toThrow(ForbiddenError); // the department's budget
    expect(() => policy.assertCanWriteQuota(caller('admin', null), { scope: 'department', departmentId: A })).not.toThrow();
    expect(() => policy.assertCanWriteQuota(caller('admin', null), onUser('team_lead', A))).not.toThrow();
    expect(() => policy.assertCanWriteQuota(caller('finance', null), onUser('developer', A))).toThrow(ForbiddenError);
  });

  it('scopes quota reads: admin and finance anywhere, a team lead their department, everyone their own', () => {
    expect(() => policy.assertCanReadQuota(caller('team_lead'), { departmentId: A })).not.toThrow();
    expect(() => policy.assertCanReadQuota(caller('finance', null), { departmentId: B })).not.toThrow();
    expect(() => policy.assertCanReadQuota(caller('developer', A, 'me'), { departmentId: A, userId: 'me' })).not.toThrow();
    expect(() => policy.assertCanReadQuota(caller('developer', A, 'me'), { departmentId: A })).toThrow(ForbiddenError);
  });
});

describe('role permissions', () => {
  it('gives admin everything and finance no write permission but its own', () => {
    expect([...ROLE_PERMISSIONS.admin].sort()).toEqual(Object.values(Permission).sort());
    const writes = [Permission.DepartmentsWrite, Permission.UsersWrite, Permission.ProvidersWrite, Permission.ModelsWrite, Permission.QuotasWrite];
    for (const permission of writes) expect(roleHas('finance', permission)).toBe(false);
    for (const permission of writes) expect(roleHas('developer', permission)).toBe(false);
    expect(roleHas('team_lead', Permission.UsersWrite)).toBe(true);
    expect(roleHas('team_lead', Permission.ProvidersRead)).toBe(false);
    expect(roleHas('team_lead', Permission.AuditRead)).toBe(false);
    expect(roleHas('finance', Permission.ProviderQuotaRead)).toBe(true);
    expect(roleHas('team_lead', Permission.ProviderQuotaRead)).toBe(true);
    expect(roleHas('team_lead', Permission.ProviderQuotaPoll)).toBe(false);
    expect(roleHas('team_lead', Permission.ReconciliationRead)).toBe(false);
    for (const role of ['admin', 'finance', 'team_lead', 'developer'] as const) {
      expect(roleHas(role, Permission.SelfRead)).toBe(true);
      expect(roleHas(role, Permission.ModelsRead)).toBe(true);
    }
    expect(roleHas('nobody' as Role, Permission.SelfRead)).toBe(false);
  });
});
