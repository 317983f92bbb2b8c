import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { CreateProviderDto, ProviderDto, UpdateProviderDto } from './dto/provider.dto';
import { ProvidersService } from './providers.service';

@ApiTags('providers')
@ApiBearerAuth()
@Controller('providers')
export class ProvidersController {
  constructor(@Inject(ProvidersService) private readonly providers: ProvidersService) {}

  @Get()
  @RequirePermissions(Permission.ProvidersRead)
  list() {
    return this.providers.list();
  }

  @Post()
  @RequirePermissions(Permission.ProvidersWrite)
  create(@CurrentUser() caller: Caller, @Body() dto: CreateProviderDto): Promise<ProviderDto> {
    return this.providers.create(caller, dto);
  }

  @Get(':id')
  @RequirePermissions(Permission.ProvidersRead)
  get(@Param('id', ParseUUIDPipe) id: string): Promise<ProviderDto> {
    return this.providers.get(id);
  }

  @Patch(':id')
  @RequirePermissions(Permission.ProvidersWrite)
  update(@CurrentUser() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateProviderDto): Promise<ProviderDto> {
    return this.providers.update(caller, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions(Permission.ProvidersWrite)
  remove(@CurrentUser() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.providers.remove(caller, id);
  }
}
