import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer, Reflector } from '@nestjs/core';

export interface NestRoute {
  /** `Controller.handler` */
  name: string;
  method: string;
  /** The route's path as declared (`/users/:id`), without the app's global prefix. */
  path: string;
  /** Reads the handler's metadata, falling back to its controller's. */
  metadata(key: string): unknown;
}

/** Every route the running app registered, read from Nest's own module container. */
export function routesOf(app: INestApplication): NestRoute[] {
  const reflector = new Reflector();
  const routes: NestRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        const targets = [handler, controller];
        routes.push({
          name: `${controller.name}.${name}`,
          method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod],
          path: `/${[prefix, path].filter(Boolean).join('/')}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1'),
          metadata: (key: string): unknown => reflector.getAllAndOverride<unknown>(key, targets),
        });
      }
    }
  }
  return routes;
}

/** A concrete URL for a route pattern: every `:param` becomes a well-formed UUID. */
export const concretePath = (path: string) => path.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000').replace(/\{\*[A-Za-z]+\}/g, 'x');
