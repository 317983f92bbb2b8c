import { Body, Controller, HttpCode, Inject, Ip, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthService } from './auth.service';
import type { Caller } from './caller';
import { CurrentUser, Public, RequirePermissions } from './decorators';
import { ChangePasswordDto, LoginDto, TokenDto } from './dto/login.dto';
import { Permission } from './permissions';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenDto })
  @ApiUnauthorizedResponse({ description: 'unknown email, wrong password or deactivated user (one message for all)' })
  @ApiTooManyRequestsResponse({ description: 'too many failures for this email from this address; see Retry-After' })
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<TokenDto> {
    return this.auth.login(dto, ip);
  }

  @Post('password')
  @HttpCode(200)
  @RequirePermissions(Permission.SelfWrite)
  @ApiOkResponse({ type: TokenDto, description: 'a fresh token; every older token of this user stops working' })
  changePassword(@CurrentUser() caller: Caller, @Body() dto: ChangePasswordDto): Promise<TokenDto> {
    return this.auth.changePassword(caller, dto);
  }
}
