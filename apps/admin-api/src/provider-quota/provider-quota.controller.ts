import { Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { ProviderPollingService } from './provider-polling.service';
import { ReconciliationService } from './reconciliation.service';

class ReconciliationQueryDto {
  @IsString() from: string;
  @IsString() to: string;
}

/** `GET /providers/quota` is served by ProvidersController, declared before its `:id` route. */
@ApiTags('provider quota')
@ApiBearerAuth()
@Controller('providers')
export class ProviderQuotaController {
  constructor(
    @Inject(ProviderPollingService) private readonly polling: ProviderPollingService,
    @Inject(ReconciliationService) private readonly reconciliation: ReconciliationService,
  ) {}

  @Post(':id/poll')
  @HttpCode(200)
  @RequirePermissions(Permission.ProviderQuotaPoll)
  poll(@Param('id', ParseUUIDPipe) id: string) {
    return this.polling.pollNow(id);
  }

  @Get(':id/reconciliation')
  @RequirePermissions(Permission.ReconciliationRead)
  reconcile(@Param('id', ParseUUIDPipe) id: string, @Query() query: ReconciliationQueryDto) {
    return this.reconciliation.reconcile(id, query.from, query.to);
  }
}
