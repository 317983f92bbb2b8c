import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfig } from '@app/core';
import type { Caller } from './caller';
import { SessionService } from './session.service';

interface JwtClaims {
  sub: string;
  ver: number;
}

/** Verifies the bearer JWT, then checks the user is still active and the token not superseded. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(AppConfig) config: AppConfig,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: config.jwtSecret, algorithms: ['HS256'], ignoreExpiration: false });
  }

  async validate(claims: JwtClaims): Promise<Caller | false> {
    return (await this.sessions.callerFor(claims.sub, claims.ver)) ?? false;
  }
}
