import { Module } from '@nestjs/common';
import { UsagePartitionService } from '@app/usage';
import { ReportsController } from './reports.controller';
import { UsagePartitionsCron } from './usage-partitions.cron';
import { UsageReportService } from './usage-report.service';

/** Finance's CSV export, streamed from the rollups; and the daily upkeep of the usage partitions it reads. */
@Module({
  controllers: [ReportsController],
  providers: [UsageReportService, UsagePartitionService, UsagePartitionsCron],
})
export class ReportsModule {}
