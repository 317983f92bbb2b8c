import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { ApiPageResponse } from '../common/api-page-response.decorator';
import type { Page } from '../common/page';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { PutQuotaDto, QuotaQueryDto, QuotaStatusQueryDto } from './dto/quota.dto';
import { QuotaDto, QuotaStatusListDto } from './dto/quota-response.dto';
import { QuotasService } from './quotas.service';

@ApiTags('quotas')
@Controller('quotas')
export class QuotasController {
  constructor(private readonly quotas: QuotasService) {}

  @Get()
  @RequirePermissions(Permission.QuotasRead)
  @ApiPageResponse(QuotaDto)
  list(@CurrentUser() caller: Caller, @Query() query: QuotaQueryDto): Promise<Page<QuotaDto>> {
    return this.quotas.list(caller, query);
  }

  /** Upsert on (scope, subject, period). */
  @Put()
  @RequirePermissions(Permission.QuotasWrite)
  @ApiOkResponse({ type: QuotaDto })
  put(@CurrentUser() caller: Caller, @Body() dto: PutQuotaDto): Promise<QuotaDto> {
    return this.quotas.put(caller, dto);
  }

  @Get('status')
  @RequirePermissions(Permission.QuotasRead)
  @ApiOkResponse({ type: QuotaStatusListDto })
  status(@CurrentUser() caller: Caller, @Query() query: QuotaStatusQueryDto): Promise<QuotaStatusListDto> {
    return this.quotas.status(caller, query);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermissions(Permission.QuotasWrite)
  @ApiNoContentResponse({ description: 'removed' })
  remove(@CurrentUser() caller: Caller, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.quotas.remove(caller, id);
  }
}
