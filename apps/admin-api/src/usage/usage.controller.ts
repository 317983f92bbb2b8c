import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../auth/caller';
import { CurrentUser, RequirePermissions } from '../auth/decorators';
import { Permission } from '../auth/permissions';
import { ApiPageResponse } from '../common/api-page-response.decorator';
import type { Page } from '../common/page';
import { UsageEventsQueryDto, UsageSummaryQueryDto } from './dto/usage-query.dto';
import { UsageEventDto, UsageSummaryDto } from './dto/usage-response.dto';
import { UsageTimeseriesDto, UsageTimeseriesQueryDto } from './dto/usage-timeseries.dto';
import { UsageQueryService } from './usage-query.service';

@ApiTags('usage')
@Controller('usage')
export class UsageController {
  constructor(private readonly usage: UsageQueryService) {}

  @Get('events')
  @RequirePermissions(Permission.UsageRead)
  @ApiPageResponse(UsageEventDto)
  events(@CurrentUser() caller: Caller, @Query() query: UsageEventsQueryDto): Promise<Page<UsageEventDto>> {
    return this.usage.events(caller, query);
  }

  @Get('timeseries')
  @RequirePermissions(Permission.UsageRead)
  @ApiOkResponse({ type: UsageTimeseriesDto })
  timeseries(@CurrentUser() caller: Caller, @Query() query: UsageTimeseriesQueryDto): Promise<UsageTimeseriesDto> {
    return this.usage.timeseries(caller, query);
  }

  @Get('summary')
  @RequirePermissions(Permission.UsageRead)
  @ApiOkResponse({ type: UsageSummaryDto })
  summary(@CurrentUser() caller: Caller, @Query() query: UsageSummaryQueryDto): Promise<UsageSummaryDto> {
    return this.usage.summary(caller, query);
  }
}
