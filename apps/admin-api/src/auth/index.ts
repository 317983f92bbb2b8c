/**
 * What other admin API features import to protect their routes (see permissions.ts):
 *
 *   import { Caller, CurrentUser, Permission, RequirePermissions } from '../auth';
 */
export type { Caller } from './caller';
export { CurrentUser, IS_PUBLIC, PERMISSIONS, RequirePermissions } from './decorators';
export { Permission } from './permissions';
