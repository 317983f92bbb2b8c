import { Body, Controller, HttpCode, Inject, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<TokenDto> {
    return this.auth.login(dto, ip);
  }

  @ApiBearerAuth()
  @RequirePermissions(Permission.SelfRead)
  @Post('password')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenDto })
  changePassword(@CurrentUser() caller: Caller, @Body() dto: ChangePasswordDto): Promise<TokenDto> {
    return this.auth.changePassword(caller, dto);
  }
}
