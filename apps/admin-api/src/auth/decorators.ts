import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Caller } from './caller';
import type { Permission } from './permissions';

export const IS_PUBLIC = 'tollgate:public';
export const PERMISSIONS = 'tollgate:permissions';

/** The only way to open a route to callers without a JWT. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Every permission listed is required. */
export const RequirePermissions = (...permissions: Permission[]) => SetMetadata(PERMISSIONS, permissions);

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller => {
  return ctx.switchToHttp().getRequest<{ user: Caller }>().user;
});
