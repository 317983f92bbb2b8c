/**
 * What other admin API features import to protect their routes (see permissions.ts):
 *
 *   import { Caller, CurrentUser, Permission, RequirePermissions, ScopePolicy } from '../auth';
 */
export type { Caller } from './caller';
export { CurrentUser, IS_PUBLIC, PERMISSIONS, Public, RequirePermissions } from './decorators';
export { Permission, permissionsOf, ROLE_PERMISSIONS, roleHas } from './permissions';
export { ScopePolicy } from './scope.policy';
export { JwtAuthGuard } from './auth.guard';
export { PermissionsGuard } from './permissions.guard';
export { AuthModule } from './auth.module';
export { SessionsModule } from './sessions.module';
