import type { Role } from '@app/core';

/**
 * The one place roles become permissions. To protect a new route: put
 * `@RequirePermissions(Permission.X)` on the handler (the global PermissionsGuard refuses any
 * route without it unless it is `@Public()`), and let its service call `ScopePolicy` for
 * department scoping — never an `if (role === ...)` in a controller.
 */
export enum Permission {
  SelfRead = 'self:read',
  DepartmentsRead = 'departments:read',
  DepartmentsWrite = 'departments:write',
  UsersRead = 'users:read',
  UsersWrite = 'users:write',
  ApiKeysManage = 'api-keys:manage',
  ProvidersRead = 'providers:read',
  ProvidersWrite = 'providers:write',
  ModelsRead = 'models:read',
  ModelsWrite = 'models:write',
  QuotasRead = 'quotas:read',
  QuotasWrite = 'quotas:write',
  UsageRead = 'usage:read',
  ReportsRead = 'reports:read',
  ProviderQuotaRead = 'provider-quota:read',
  ProviderQuotaPoll = 'provider-quota:poll',
  AuditRead = 'audit:read',
}

const EVERYONE = [Permission.SelfRead, Permission.ModelsRead, Permission.ApiKeysManage];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(Object.values(Permission)),
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
  ]),
  team_lead: new Set([
    ...EVERYONE,
    Permission.DepartmentsRead,
    Permission.UsersRead,
    Permission.UsersWrite,
    Permission.QuotasRead,
    Permission.QuotasWrite,
    Permission.UsageRead,
    Permission.ReportsRead,
  ]),
  developer: new Set(EVERYONE),
};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role]?.has(permission) ?? false;
}
