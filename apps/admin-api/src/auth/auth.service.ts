import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AppConfig, hashPassword, User, verifyPassword } from '@app/core';
import { unauthorized } from '../common/errors';
import { AuditService } from '../audit/audit.service';
import type { Caller } from './caller';
import type { ChangePasswordDto, LoginDto, TokenDto } from './dto/login.dto';
import { LoginThrottle } from './login-throttle';

@Injectable()
export class AuthService {
  private readonly throttle = new LoginThrottle();

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @Inject(JwtService) private readonly jwt: JwtService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  /** One message for unknown email, wrong password and inactive user: no account enumeration. */
  async login(dto: LoginDto, ip: string): Promise<TokenDto> {
    this.throttle.check(dto.email, ip);
    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email: dto.email })
      .getOne();
    const ok = await verifyPassword(user?.active ? user.passwordHash : null, dto.password);
    if (!user || !ok) {
      this.throttle.fail(dto.email, ip);
      throw unauthorized('Invalid email or password');
    }
    this.throttle.succeed(dto.email, ip);
    return this.issue(user);
  }

  async changePassword(caller: Caller, dto: ChangePasswordDto): Promise<TokenDto> {
    const user = await this.users.createQueryBuilder('u').addSelect('u.passwordHash').where('u.id = :id', { id: caller.id }).getOneOrFail();
    if (!(await verifyPassword(user.passwordHash, dto.currentPassword))) throw unauthorized('The current password is wrong');
    user.passwordHash = await hashPassword(dto.newPassword);
    user.tokenVersion += 1; // every older token stops working
    await this.users.save(user);
    await this.audit.record(caller, 'user.password_change', 'user', user.id, null, null);
    return this.issue(user);
  }

  private async issue(user: User): Promise<TokenDto> {
    const accessToken = await this.jwt.signAsync(
      { sub: user.id, role: user.role, ver: user.tokenVersion },
      { secret: this.config.jwtSecret, expiresIn: this.config.jwtExpiresSeconds, algorithm: 'HS256' },
    );
    return { accessToken, expiresIn: this.config.jwtExpiresSeconds };
  }
}
