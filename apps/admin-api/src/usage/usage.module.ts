import { Module } from '@nestjs/common';
import { UsageController } from './usage.controller';
import { UsageEventsService } from './usage-events.service';
import { UsageQueryService } from './usage-query.service';
import { UsageSummaryService } from './usage-summary.service';

/** Usage reads: raw events, summaries and time series, scoped by `ScopePolicy` (team leads: their department). */
@Module({
  controllers: [UsageController],
  providers: [UsageEventsService, UsageSummaryService, UsageQueryService],
  exports: [UsageQueryService],
})
export class UsageModule {}
