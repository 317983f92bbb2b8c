import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '@app/core';
import { JwtAuthGuard } from './auth.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';
import { PermissionsGuard } from './permissions.guard';
import { SessionsModule } from './sessions.module';

/**
 * Sign-in, sign-out, password change and the two global guards, in this order: `JwtAuthGuard` (a live session
 * unless `@Public()`), then `PermissionsGuard` (the role holds what `@RequirePermissions` asks;
 * a route that declares nothing is closed). Sessions and `ScopePolicy` come from `SessionsModule` (global).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([User]), PassportModule, JwtModule.register({}), SessionsModule],
  controllers: [AuthController],
  providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }, { provide: APP_GUARD, useClass: PermissionsGuard }, JwtStrategy, AuthService],
  exports: [SessionsModule],
})
export class AuthModule {}
