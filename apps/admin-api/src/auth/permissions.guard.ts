import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { forbidden } from '../common/errors';
import type { Caller } from './caller';
import { IS_PUBLIC, PERMISSIONS } from './decorators';
import { Permission, roleHas } from './permissions';

/** Global, after the JWT guard: deny by default — a route must declare what it needs. */
@Injectable()
export class PermissionsGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const required = this.reflector.getAllAndOverride<Permission[] | undefined>(PERMISSIONS, targets);
    if (!required) throw forbidden('This route declares no permission and is closed');
    const caller = context.switchToHttp().getRequest<{ user?: Caller }>().user;
    if (!caller || !required.every((permission) => roleHas(caller.role, permission))) {
      throw forbidden(`Your role (${caller?.role ?? 'none'}) may not do this`);
    }
    return true;
  }
}
