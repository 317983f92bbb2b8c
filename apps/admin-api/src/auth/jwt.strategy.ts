import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '@app/core';
import type { Caller } from './caller';
import { SessionService } from './session.service';

/** What an admin API token says. `sid` names its session; `tokenVersion` must match the user's current one. */
export interface JwtClaims {
  sub: string;
  sid: string;
  role: string;
  tokenVersion: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Verifies the bearer JWT (HS256, JWT_SECRET, carries an `exp` that has not passed — a token
 * without one is refused, it would never expire), then that its session is still live.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    config: AppConfig,
    private readonly sessions: SessionService,
  ) {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: config.jwtSecret, algorithms: ['HS256'], ignoreExpiration: false });
  }

  async validate(claims: Partial<JwtClaims> & { exp?: unknown }): Promise<Caller | false> {
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return false;
    if (typeof claims.sub !== 'string' || !UUID.test(claims.sub) || typeof claims.tokenVersion !== 'number') return false;
    if (typeof claims.sid !== 'string' || !UUID.test(claims.sid)) return false;
    // The role comes from the database, not the token: a demotion bites at once.
    return (await this.sessions.callerFor(claims.sid, claims.sub, claims.tokenVersion)) ?? false;
  }
}
