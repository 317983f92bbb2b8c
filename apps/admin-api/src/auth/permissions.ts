import type { Role } from '@app/core';

/**
 * # Permissions: the one place roles become permissions
 *
 * The admin API denies by default. Two global guards (`APP_GUARD`) run on every route:
 * `JwtAuthGuard` (a valid, current session) then `PermissionsGuard` (the role holds every
 * permission the handler declares). A handler with neither `@Public()` nor
 * `@RequirePermissions(...)` answers 403 to everyone, and `test/admin-api/route-guards.e2e-spec.ts`
 * fails the build for it.
 *
 * ## Protecting a new route
 *
 * ```ts
 * import { Caller, CurrentUser, Permission, RequirePermissions, ScopePolicy } from '../auth';
 *
 * @Put()
 * @RequirePermissions(Permission.QuotasWrite)           // 1. what the ROLE must be allowed
 * upsert(@CurrentUser() caller: Caller, @Body() dto: UpsertQuotaDto) {
 *   return this.quotas.upsert(caller, dto);              // 2. one line: pass the caller on
 * }
 *
 * // in the service, before reading or writing a department's data:
 * this.scope.assertCanWriteQuota(caller, { departmentId }); // 3. WHICH department/user (throws 403)
 * const only = this.scope.readableDepartment(caller, query.departmentId); // or: filter a listing
 * ```
 *
 * - Role checks live here, department/user checks in `ScopePolicy` (scope.policy.ts) — never an
 *   `if (caller.role === ...)` in a controller or service. Need a new rule? Add a method there.
 * - A new kind of thing to protect: add a `Permission` below and give it to roles in
 *   `ROLE_PERMISSIONS`; the permission-matrix test (`test/admin-api/permission-matrix.e2e-spec.ts`)
 *   shows the grid — add your routes to it.
 * - `@Public()` is the only opt-out (login, health). Throw domain errors from `common/errors.ts`
 *   (`NotFoundError`, `ForbiddenError`, ...), never `HttpException`.
 * - Record every change: `this.audit.record(caller, 'quota.update', 'quota', id, before, after, manager)`
 *   inside the change's transaction (`import { AuditService } from '../audit'`; global, no import needed in your module).
 * - Lists answer `{items, nextCursor}`: `keysetPage(...)`, `PageQueryDto`, `@ApiPageResponse(Dto)` from `../common`.
 * - Tests: `createAdminApp`, `seedUser`, `loginAs` from `test/support/admin-app.ts` build the real app.
 */
export enum Permission {
  /** Own profile (`GET /api/me`, own usage and quotas) — every signed-in user. */
  SelfRead = 'self:read',
  /** Own password. */
  SelfWrite = 'self:write',
  DepartmentsRead = 'departments:read',
  DepartmentsWrite = 'departments:write',
  UsersRead = 'users:read',
  UsersWrite = 'users:write',
  /** Gateway API keys; whose keys is decided by `ScopePolicy.assertCanManageKeysOf` (self, own department, anyone). */
  ApiKeysManage = 'api-keys:manage',
  /** Providers and their upstream accounts (`/providers/:id/accounts`): finance reads, admin writes. */
  ProvidersRead = 'providers:read',
  ProvidersWrite = 'providers:write',
  ModelsRead = 'models:read',
  ModelsWrite = 'models:write',
  QuotasRead = 'quotas:read',
  QuotasWrite = 'quotas:write',
  UsageRead = 'usage:read',
  ReportsRead = 'reports:read',
  /** Provider balances and quota snapshots (`GET /providers/quota`). */
  ProviderQuotaRead = 'provider-quota:read',
  /** Metered vs provider-reported usage (`GET /providers/:id/reconciliation`). */
  ReconciliationRead = 'provider-reconciliation:read',
  /** Trigger a provider poll now. */
  ProviderQuotaPoll = 'provider-quota:poll',
  AuditRead = 'audit:read',
}

const EVERYONE: readonly Permission[] = [Permission.SelfRead, Permission.SelfWrite, Permission.ModelsRead, Permission.ApiKeysManage];

/**
 * As the contract's "who" column says. Scope within a permission (team lead: own department;
 * developer: self) is `ScopePolicy`'s business.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  /** Everything. */
  admin: new Set(Object.values(Permission)),
  /** Reads usage, costs and provider balances of every department; changes nothing but own password and keys. */
  finance: new Set([
    ...EVERYONE,
    Permission.DepartmentsRead,
    Permission.UsersRead,
    Permission.ProvidersRead,
    Permission.QuotasRead,
    Permission.UsageRead,
    Permission.ReportsRead,
    Permission.ProviderQuotaRead,
    Permission.ProviderQuotaPoll,
    Permission.ReconciliationRead,
  ]),
  /** Users, keys and quotas of their own department; reads its usage and the providers' balances. */
  team_lead: new Set([
    ...EVERYONE,
    Permission.DepartmentsRead,
    Permission.UsersRead,
    Permission.UsersWrite,
    Permission.QuotasRead,
    Permission.QuotasWrite,
    Permission.UsageRead,
    Permission.ReportsRead,
    Permission.ProviderQuotaRead,
  ]),
  /** Self only: profile, password, own keys, own usage and quotas, the model list. */
  developer: new Set(EVERYONE),
};

/** The role's grants; a role read from a token or row that is not (or no longer) known grants nothing. */
function grantsOf(role: Role): ReadonlySet<Permission> | undefined {
  return Object.hasOwn(ROLE_PERMISSIONS, role) ? ROLE_PERMISSIONS[role] : undefined;
}

export function roleHas(role: Role, permission: Permission): boolean {
  return grantsOf(role)?.has(permission) ?? false;
}

export function permissionsOf(role: Role): Permission[] {
  return [...(grantsOf(role) ?? [])];
}
