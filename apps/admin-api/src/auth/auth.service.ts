import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { AppConfig, hashPassword, User, verifyPassword } from '@app/core';
import { AuditService } from '../audit/audit.service';
import { invalid, unauthorized } from '../common/errors';
import type { Caller } from './caller';
import type { ChangePasswordDto, LoginDto, TokenDto } from './dto/login.dto';
import type { JwtClaims } from './jwt.strategy';
import { LoginThrottle } from './login-throttle';
import { passwordWeakness, WEAK_PASSWORD } from './password-policy';
import { SessionService } from './session.service';
import { SessionStore } from './session.store';

/** The one answer to every failed sign-in: no telling unknown, wrong and deactivated apart. */
const LOGIN_FAILED = 'Invalid email or password';

@Injectable()
export class AuthService {
  private readonly loginThrottle = new LoginThrottle();
  /** Guessing the current password with a stolen token is throttled like a login. */
  private readonly passwordThrottle = new LoginThrottle();

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
    private readonly sessionStore: SessionStore,
  ) {}

  async login(dto: LoginDto, ip: string): Promise<TokenDto> {
    const email = dto.email.trim().toLowerCase();
    const ticket = this.loginThrottle.begin(email, ip);
    const user = await this.withPasswordHash().where('lower(u.email) = :email', { email }).getOne();
    // Always run argon2 (verifyPassword hashes anyway when there is no hash) so timing tells nothing.
    const ok = await verifyPassword(user?.active ? user.passwordHash : null, dto.password);
    if (!user || !ok) {
      await this.audit.record(null, 'auth.login_failed', 'user', user?.id ?? null, null, { email, ip });
      throw unauthorized(LOGIN_FAILED);
    }
    this.loginThrottle.succeed(ticket);
    return this.issue(user);
  }

  /** Ends the caller's current session only: its token stops working at once, other sessions go on. */
  async logout(caller: Caller): Promise<void> {
    if (caller.sessionId) await this.sessions.end(caller.sessionId);
  }

  /** Changes the caller's own password; every session of theirs ends, the answer is a fresh one. */
  async changePassword(caller: Caller, dto: ChangePasswordDto, ip: string): Promise<TokenDto> {
    const ticket = this.passwordThrottle.begin(caller.id, ip);
    const user = await this.withPasswordHash().where('u.id = :id', { id: caller.id }).getOneOrFail();
    if (!(await verifyPassword(user.passwordHash, dto.currentPassword))) throw invalid('currentPassword: the current password is wrong', 'wrong_password');
    this.passwordThrottle.succeed(ticket);
    if (dto.newPassword === dto.currentPassword) throw invalid('newPassword: must differ from the current password', 'same_password');
    const weakness = passwordWeakness(dto.newPassword, [user.email, user.name]);
    if (weakness) throw invalid(`newPassword: ${weakness}`, WEAK_PASSWORD);
    const passwordHash = await hashPassword(dto.newPassword);
    const saved = await this.dataSource.transaction(async (manager) => {
      await manager
        .createQueryBuilder()
        .update(User)
        .set({ passwordHash, tokenVersion: () => 'token_version + 1' })
        .where('id = :id', { id: user.id })
        .execute();
      await this.sessionStore.endAllOf(user.id, manager);
      await this.audit.record(caller, 'user.password_change', 'user', user.id, null, null, manager);
      return manager.getRepository(User).findOneByOrFail({ id: user.id });
    });
    this.sessions.forget(user.id);
    return this.issue(saved);
  }

  private withPasswordHash() {
    return this.users.createQueryBuilder('u').addSelect('u.passwordHash');
  }

  /** A new session and its token. */
  private async issue(user: User): Promise<TokenDto> {
    const ttl = this.config.jwtExpiresSeconds;
    const sid = await this.sessionStore.open(user.id, ttl);
    const claims: JwtClaims = { sub: user.id, sid, role: user.role, tokenVersion: user.tokenVersion };
    const accessToken = await this.jwt.signAsync(claims, { secret: this.config.jwtSecret, expiresIn: ttl, algorithm: 'HS256' });
    return { accessToken, expiresIn: ttl };
  }
}
