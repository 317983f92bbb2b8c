import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthService } from './auth.service';
import type { Caller } from './caller';
import { CurrentUser, Public, RequirePermissions } from './decorators';
import { ChangePasswordDto, LoginDto, TokenDto } from './dto/login.dto';
import { Permission } from './permissions';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenDto })
  @ApiUnauthorizedResponse({ description: 'unknown email, wrong password or deactivated user (one message for all)' })
  @ApiTooManyRequestsResponse({ description: 'too many failures for this account (growing delay) or from this address; see Retry-After' })
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<TokenDto> {
    return this.auth.login(dto, ip);
  }

  @Post('logout')
  @HttpCode(204)
  @RequirePermissions(Permission.SelfRead)
  @ApiNoContentResponse({ description: 'this session has ended: its token stops working at once (other sessions go on)' })
  logout(@CurrentUser() caller: Caller): Promise<void> {
    return this.auth.logout(caller);
  }

  @Post('password')
  @HttpCode(200)
  @RequirePermissions(Permission.SelfWrite)
  @ApiOkResponse({ type: TokenDto, description: 'a fresh token; every session of this user ends' })
  changePassword(@CurrentUser() caller: Caller, @Body() dto: ChangePasswordDto, @Ip() ip: string): Promise<TokenDto> {
    return this.auth.changePassword(caller, dto, ip);
  }
}
