import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '@app/core';
import type { Caller } from './caller';
import { SessionService } from './session.service';

/** What an admin API token says. `tokenVersion` must match the user's current one. */
export interface JwtClaims {
  sub: string;
  role: string;
  tokenVersion: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Verifies the bearer JWT (HS256, JWT_SECRET, not expired), then that its session is still live. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(AppConfig) config: AppConfig,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: config.jwtSecret, algorithms: ['HS256'], ignoreExpiration: false });
  }

  async validate(claims: Partial<JwtClaims>): Promise<Caller | false> {
    if (typeof claims.sub !== 'string' || !UUID.test(claims.sub) || typeof claims.tokenVersion !== 'number') return false;
    // The role comes from the database, not the token: a demotion bites at once.
    return (await this.sessions.callerFor(claims.sub, claims.tokenVersion)) ?? false;
  }
}
