import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller()
export class ApiKeysController {
  constructor(@Inject(ApiKeysService) private readonly keys: ApiKeysService) {}

  @Get('users/:id/api-keys')
  @RequirePermissions(Permission.ApiKeysManage)
  list(@CurrentUser() caller: Caller, @Param('id', ParseUUIDPipe) userId: string) {
    return this.keys.list(caller, userId);
  }

  @Post('users/:id/api-keys')
  @RequirePermissions(Permission.ApiKeysManage)
  create(@CurrentUser() caller: Caller, @Param('id', ParseUUIDPipe) userId: string, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.keys.create(caller, userId, dto);
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @RequirePermissions(Permission.ApiKeysManage)
  revoke(@CurrentUser() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.keys.revoke(caller, id);
  }
}
