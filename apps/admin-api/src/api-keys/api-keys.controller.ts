import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { ApiPageResponse } from '../common/api-page-response.decorator';
import { Page } from '../common/page';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto, ListApiKeysQueryDto } from './dto/api-key.dto';

/** Whose keys: ScopePolicy.assertCanManageKeysOf (self; team lead: own department; admin: anyone). */
@ApiTags('api-keys')
@Controller()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get('users/:id/api-keys')
  @RequirePermissions(Permission.ApiKeysManage)
  @ApiPageResponse(ApiKeyDto)
  list(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) userId: string, @Query() query: ListApiKeysQueryDto): Promise<Page<ApiKeyDto>> {
    return this.keys.list(caller, userId, query);
  }

  @Post('users/:id/api-keys')
  @RequirePermissions(Permission.ApiKeysManage)
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  create(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) userId: string, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.keys.create(caller, userId, dto);
  }

  @Delete('api-keys/:id')
  @HttpCode(204)
  @RequirePermissions(Permission.ApiKeysManage)
  revoke(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.keys.revoke(caller, id);
  }
}
