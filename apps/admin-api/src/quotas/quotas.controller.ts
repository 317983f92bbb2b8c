import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { PutQuotaDto, QuotaQueryDto, QuotaStatusQueryDto } from './dto/quota.dto';
import { QuotasService } from './quotas.service';

@ApiTags('quotas')
@ApiBearerAuth()
@Controller('quotas')
export class QuotasController {
  constructor(@Inject(QuotasService) private readonly quotas: QuotasService) {}

  @Get()
  @RequirePermissions(Permission.QuotasRead)
  list(@CurrentUser() caller: Caller, @Query() query: QuotaQueryDto) {
    return this.quotas.list(caller, query);
  }

  @Put()
  @RequirePermissions(Permission.QuotasWrite)
  put(@CurrentUser() caller: Caller, @Body() dto: PutQuotaDto) {
    return this.quotas.put(caller, dto);
  }

  @Get('status')
  @RequirePermissions(Permission.QuotasRead)
  status(@CurrentUser() caller: Caller, @Query() query: QuotaStatusQueryDto) {
    return this.quotas.status(caller, query);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions(Permission.QuotasWrite)
  remove(@CurrentUser() caller: Caller, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.quotas.remove(caller, id);
  }
}
