import { Injectable } from '@nestjs/common';
import type { Caller } from '../auth/caller';
import { ScopePolicy } from '../auth/scope.policy';
import type { Page } from '../common/page';
import { MyUsageQueryDto, SUMMARY_DEFAULT_LIMIT, UsageEventsQueryDto, UsageSummaryQueryDto } from './dto/usage-query.dto';
import type { UsageEventDto, UsageSummaryDto } from './dto/usage-response.dto';
import type { MyTimeseriesQueryDto, UsageTimeseriesDto, UsageTimeseriesQueryDto } from './dto/usage-timeseries.dto';
import { UsageEventsService } from './usage-events.service';
import { UsageSummaryService } from './usage-summary.service';
import { UsageTimeseriesService } from './usage-timeseries.service';

/** Usage reads with the caller's scope applied (team leads: their department; developers: themselves). */
@Injectable()
export class UsageQueryService {
  constructor(
    private readonly eventsService: UsageEventsService,
    private readonly summaries: UsageSummaryService,
    private readonly timeseriesService: UsageTimeseriesService,
    private readonly scope: ScopePolicy,
  ) {}

  events(caller: Caller, query: UsageEventsQueryDto): Promise<Page<UsageEventDto>> {
    return this.eventsService.list(caller, query);
  }

  summary(caller: Caller, query: UsageSummaryQueryDto): Promise<UsageSummaryDto> {
    const departmentId = this.scope.readableDepartment(caller, query.departmentId);
    return this.summaries.summary(query.range ?? 'today', query.groupBy, { departmentId }, query.limit ?? SUMMARY_DEFAULT_LIMIT);
  }

  /** A team lead's is their department's whatever they ask (a user of another department shows nothing). */
  timeseries(caller: Caller, query: UsageTimeseriesQueryDto): Promise<UsageTimeseriesDto> {
    const departmentId = this.scope.readableDepartment(caller, query.departmentId);
    return this.timeseriesService.timeseries(query, { departmentId, userId: query.userId });
  }

  mine(caller: Caller, query: MyUsageQueryDto): Promise<UsageSummaryDto> {
    return this.summaries.summary(query.range ?? 'today', 'model', { userId: caller.id });
  }

  myTimeseries(caller: Caller, query: MyTimeseriesQueryDto): Promise<UsageTimeseriesDto> {
    return this.timeseriesService.timeseries(query, { userId: caller.id });
  }

  myEvents(caller: Caller, query: UsageEventsQueryDto): Promise<Page<UsageEventDto>> {
    return this.eventsService.mine(caller, query);
  }
}
