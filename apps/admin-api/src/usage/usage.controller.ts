import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { UsageEventsQueryDto, UsageSummaryQueryDto } from './dto/usage-query.dto';
import { UsageQueryService } from './usage-query.service';

@ApiTags('usage')
@ApiBearerAuth()
@Controller('usage')
export class UsageController {
  constructor(@Inject(UsageQueryService) private readonly usage: UsageQueryService) {}

  @Get('events')
  @RequirePermissions(Permission.UsageRead)
  events(@CurrentUser() caller: Caller, @Query() query: UsageEventsQueryDto) {
    return this.usage.events(caller, query);
  }

  @Get('timeseries')
  @RequirePermissions(Permission.UsageRead)
  timeseries(@CurrentUser() caller: Caller, @Query() query: UsageSummaryQueryDto) {
    return this.usage.timeseries(caller, query);
  }

  @Get('summary')
  @RequirePermissions(Permission.UsageRead)
  summary(@CurrentUser() caller: Caller, @Query() query: UsageSummaryQueryDto) {
    return this.usage.summary(caller, query);
  }
}
