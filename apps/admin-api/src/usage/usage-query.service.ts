import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../auth/caller';
import { ScopePolicy } from '../auth/scope.policy';
import { invalid } from '../common/errors';
import type { MyUsageQueryDto, UsageEventsQueryDto, UsageSummaryQueryDto } from './dto/usage-query.dto';
import { UsageEventsService } from './usage-events.service';
import { UsageSummaryService } from './usage-summary.service';

/** Usage reads with the caller's scope applied (team leads: their department; developers: themselves). */
@Injectable()
export class UsageQueryService {
  constructor(
    @Inject(UsageEventsService) private readonly eventsService: UsageEventsService,
    @Inject(UsageSummaryService) private readonly summaries: UsageSummaryService,
    @Inject(ScopePolicy) private readonly scope: ScopePolicy,
  ) {}

  events(caller: Caller, query: UsageEventsQueryDto) {
    return this.eventsService.list(caller, query);
  }

  summary(caller: Caller, query: UsageSummaryQueryDto) {
    const departmentId = this.scope.readableDepartment(caller, query.departmentId);
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid('limit must be an integer between 1 and 1000');
    return this.summaries.summary(query.range ?? 'today', query.groupBy, { departmentId }, limit);
  }

  timeseries(caller: Caller, query: UsageSummaryQueryDto) {
    const departmentId = this.scope.readableDepartment(caller, query.departmentId);
    return this.summaries.timeseries(query.range ?? '7d', { departmentId });
  }

  mine(caller: Caller, query: MyUsageQueryDto) {
    return this.summaries.summary(query.range ?? 'today', 'model', { userId: caller.id });
  }

  myTimeseries(caller: Caller, query: MyUsageQueryDto) {
    return this.summaries.timeseries(query.range ?? '7d', { userId: caller.id });
  }

  myEvents(caller: Caller, query: UsageEventsQueryDto) {
    return this.eventsService.mine(caller, query);
  }
}
