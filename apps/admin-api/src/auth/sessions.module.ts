import { Global, Module } from '@nestjs/common';
import { ScopePolicy } from './scope.policy';
import { SessionService } from './session.service';
import { SessionStore } from './session.store';

/**
 * Sessions and department scoping without HTTP: what services (and the CLI) need of auth. Global,
 * so every feature module can inject `ScopePolicy`. The HTTP side (JWT strategy, guards, sign-in
 * routes) is `AuthModule`, which the CLI leaves out: a passport strategy is process-global.
 */
@Global()
@Module({
  providers: [SessionStore, SessionService, ScopePolicy],
  exports: [SessionStore, SessionService, ScopePolicy],
})
export class SessionsModule {}
