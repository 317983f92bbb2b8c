import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Caller, CurrentUser, Permission, RequirePermissions } from '../auth';
import { ApiPageResponse, Page, ParseIdPipe } from '../common';
import { CreateProviderAccountDto, ProviderAccountDto, UpdateProviderAccountDto } from './dto/provider-account.dto';
import { ProviderAccountsService } from './provider-accounts.service';

/** `/api/providers/:id/accounts`: admin writes, finance reads (the providers' permissions). */
@ApiTags('providers')
@Controller('providers/:id/accounts')
export class ProviderAccountsController {
  constructor(@Inject(ProviderAccountsService) private readonly accounts: ProviderAccountsService) {}

  @Get()
  @RequirePermissions(Permission.ProvidersRead)
  @ApiPageResponse(ProviderAccountDto)
  list(@Param('id', ParseIdPipe) providerId: string): Promise<Page<ProviderAccountDto>> {
    return this.accounts.list(providerId);
  }

  @Post()
  @RequirePermissions(Permission.ProvidersWrite)
  @ApiCreatedResponse({ type: ProviderAccountDto })
  create(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) providerId: string, @Body() dto: CreateProviderAccountDto): Promise<ProviderAccountDto> {
    return this.accounts.create(caller, providerId, dto);
  }

  @Get(':accountId')
  @RequirePermissions(Permission.ProvidersRead)
  @ApiOkResponse({ type: ProviderAccountDto })
  get(@Param('id', ParseIdPipe) providerId: string, @Param('accountId', ParseIdPipe) accountId: string): Promise<ProviderAccountDto> {
    return this.accounts.get(providerId, accountId);
  }

  @Patch(':accountId')
  @RequirePermissions(Permission.ProvidersWrite)
  @ApiOkResponse({ type: ProviderAccountDto })
  update(
    @CurrentUser() caller: Caller,
    @Param('id', ParseIdPipe) providerId: string,
    @Param('accountId', ParseIdPipe) accountId: string,
    @Body() dto: UpdateProviderAccountDto,
  ): Promise<ProviderAccountDto> {
    return this.accounts.update(caller, providerId, accountId, dto);
  }

  @Delete(':accountId')
  @HttpCode(204)
  @RequirePermissions(Permission.ProvidersWrite)
  remove(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) providerId: string, @Param('accountId', ParseIdPipe) accountId: string): Promise<void> {
    return this.accounts.remove(caller, providerId, accountId);
  }
}
