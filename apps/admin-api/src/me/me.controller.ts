import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { ApiPageResponse } from '../common/api-page-response.decorator';
import type { Page } from '../common/page';
import { QuotaStatusListDto } from '../quotas/dto/quota-response.dto';
import { QuotasService } from '../quotas/quotas.service';
import { MyUsageQueryDto, UsageEventsQueryDto } from '../usage/dto/usage-query.dto';
import { UsageEventDto, UsageSummaryDto } from '../usage/dto/usage-response.dto';
import { MyTimeseriesQueryDto, UsageTimeseriesDto } from '../usage/dto/usage-timeseries.dto';
import { UsageQueryService } from '../usage/usage-query.service';
import { MeDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';

/**
 * What every signed-in user may ask about themselves. `GET /api/me` is identity's; the usage and
 * quota routes delegate to the usage and quotas features (their services, their answers).
 */
@ApiTags('me')
@Controller('me')
export class MeController {
  constructor(
    private readonly users: UsersService,
    private readonly usage: UsageQueryService,
    private readonly quotas: QuotasService,
  ) {}

  @Get()
  @RequirePermissions(Permission.SelfRead)
  @ApiOkResponse({ type: MeDto })
  me(@CurrentUser() caller: Caller): Promise<MeDto> {
    return this.users.me(caller);
  }

  @Get('usage')
  @RequirePermissions(Permission.SelfRead)
  @ApiOkResponse({ type: UsageSummaryDto, description: 'own usage by model' })
  usageOf(@CurrentUser() caller: Caller, @Query() query: MyUsageQueryDto): Promise<UsageSummaryDto> {
    return this.usage.mine(caller, query);
  }

  @Get('usage/timeseries')
  @RequirePermissions(Permission.SelfRead)
  @ApiOkResponse({ type: UsageTimeseriesDto })
  timeseriesOf(@CurrentUser() caller: Caller, @Query() query: MyTimeseriesQueryDto): Promise<UsageTimeseriesDto> {
    return this.usage.myTimeseries(caller, query);
  }

  @Get('usage/events')
  @RequirePermissions(Permission.SelfRead)
  @ApiPageResponse(UsageEventDto)
  eventsOf(@CurrentUser() caller: Caller, @Query() query: UsageEventsQueryDto): Promise<Page<UsageEventDto>> {
    return this.usage.myEvents(caller, query);
  }

  @Get('quotas')
  @RequirePermissions(Permission.SelfRead)
  @ApiOkResponse({ type: QuotaStatusListDto, description: 'own quotas and the department’s: what binds one’s calls' })
  quotasOf(@CurrentUser() caller: Caller): Promise<QuotaStatusListDto> {
    return this.quotas.mine(caller);
  }
}
