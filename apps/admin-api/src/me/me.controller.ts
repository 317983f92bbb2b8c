import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { QuotasService } from '../quotas/quotas.service';
import { MyUsageQueryDto, UsageEventsQueryDto } from '../usage/dto/usage-query.dto';
import { UsageQueryService } from '../usage/usage-query.service';
import { MeDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';

/**
 * What every signed-in user may ask about themselves. `GET /api/me` is identity's; the usage and
 * quota routes delegate to the usage and quotas features (their services, their answers).
 */
@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    @Inject(UsersService) private readonly users: UsersService,
    @Inject(UsageQueryService) private readonly usage: UsageQueryService,
    @Inject(QuotasService) private readonly quotas: QuotasService,
  ) {}

  @Get()
  @RequirePermissions(Permission.SelfRead)
  @ApiOkResponse({ type: MeDto })
  me(@CurrentUser() caller: Caller): Promise<MeDto> {
    return this.users.me(caller);
  }

  @Get('usage')
  @RequirePermissions(Permission.SelfRead)
  usageOf(@CurrentUser() caller: Caller, @Query() query: MyUsageQueryDto) {
    return this.usage.mine(caller, query);
  }

  @Get('usage/timeseries')
  @RequirePermissions(Permission.SelfRead)
  timeseriesOf(@CurrentUser() caller: Caller, @Query() query: MyUsageQueryDto) {
    return this.usage.myTimeseries(caller, query);
  }

  @Get('usage/events')
  @RequirePermissions(Permission.SelfRead)
  eventsOf(@CurrentUser() caller: Caller, @Query() query: UsageEventsQueryDto) {
    return this.usage.myEvents(caller, query);
  }

  @Get('quotas')
  @RequirePermissions(Permission.SelfRead)
  quotasOf(@CurrentUser() caller: Caller) {
    return this.quotas.mine(caller);
  }
}
