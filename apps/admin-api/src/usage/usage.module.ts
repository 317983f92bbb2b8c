import { Module } from '@nestjs/common';
import { UsageController } from './usage.controller';
import { UsageEventsService } from './usage-events.service';
import { UsageQueryService } from './usage-query.service';
import { UsageSummaryService } from './usage-summary.service';
import { UsageTimeseriesRepository } from './usage-timeseries.repository';
import { UsageTimeseriesService } from './usage-timeseries.service';

/** Usage reads: raw events, summaries and time series, scoped by `ScopePolicy` (team leads: their department). */
@Module({
  controllers: [UsageController],
  providers: [UsageEventsService, UsageSummaryService, UsageTimeseriesRepository, UsageTimeseriesService, UsageQueryService],
  exports: [UsageQueryService],
})
export class UsageModule {}
