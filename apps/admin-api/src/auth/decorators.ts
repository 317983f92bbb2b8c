import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Caller } from './caller';
import type { Permission } from './permissions';

export const IS_PUBLIC = 'tollgate:public';
export const PERMISSIONS = 'tollgate:permissions';

/** The only way to open a route to callers without a JWT (login, health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * Every permission listed is required (see permissions.ts for how to protect a route).
 * Also marks the route as needing a bearer token in the OpenAPI description.
 */
export const RequirePermissions = (...permissions: [Permission, ...Permission[]]) => {
  if (permissions.length === 0) throw new Error('@RequirePermissions() needs at least one permission');
  return applyDecorators(SetMetadata(PERMISSIONS, permissions), ApiBearerAuth());
};

/** The signed-in caller, resolved by the JWT guard. Never undefined on a non-public route. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<{ user?: Caller }>().user;
  if (!caller) throw new Error('@CurrentUser() used on a route without a signed-in caller');
  return caller;
});
