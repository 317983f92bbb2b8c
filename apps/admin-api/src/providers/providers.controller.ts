import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { ApiPageResponse } from '../common/api-page-response.decorator';
import { Page } from '../common/page';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateProviderDto, ListProvidersQueryDto, ProviderDto, UpdateProviderDto } from './dto/provider.dto';
import { ProviderPollingService } from '../provider-quota/provider-polling.service';
import { ProvidersService } from './providers.service';

@ApiTags('providers')
@Controller('providers')
export class ProvidersController {
  constructor(
    @Inject(ProvidersService) private readonly providers: ProvidersService,
    @Inject(ProviderPollingService) private readonly polling: ProviderPollingService,
  ) {}

  @Get()
  @RequirePermissions(Permission.ProvidersRead)
  @ApiPageResponse(ProviderDto)
  list(@Query() query: ListProvidersQueryDto): Promise<Page<ProviderDto>> {
    return this.providers.list(query);
  }

  @Post()
  @RequirePermissions(Permission.ProvidersWrite)
  @ApiCreatedResponse({ type: ProviderDto })
  create(@CurrentUser() caller: Caller, @Body() dto: CreateProviderDto): Promise<ProviderDto> {
    return this.providers.create(caller, dto);
  }

  /**
   * The latest snapshot per provider (and per account). Declared here, before `GET :id`, so this
   * path never depends on the order in which modules register their controllers.
   */
  @Get('quota')
  @RequirePermissions(Permission.ProviderQuotaRead)
  async quota() {
    return { items: await this.polling.latest(), nextCursor: null };
  }

  @Get(':id')
  @RequirePermissions(Permission.ProvidersRead)
  @ApiOkResponse({ type: ProviderDto })
  get(@Param('id', ParseIdPipe) id: string): Promise<ProviderDto> {
    return this.providers.get(id);
  }

  @Patch(':id')
  @RequirePermissions(Permission.ProvidersWrite)
  @ApiOkResponse({ type: ProviderDto })
  update(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) id: string, @Body() dto: UpdateProviderDto): Promise<ProviderDto> {
    return this.providers.update(caller, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions(Permission.ProvidersWrite)
  remove(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.providers.remove(caller, id);
  }
}
