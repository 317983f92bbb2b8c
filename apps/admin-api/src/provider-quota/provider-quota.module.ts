import { Module } from '@nestjs/common';
import { ProviderAlertsService } from './provider-alerts.service';
import { ProviderPollAccountsRepository } from './provider-poll-accounts.repository';
import { ProviderPollCron } from './provider-poll.cron';
import { ProviderPollStateRepository } from './provider-poll-state.repository';
import { ProviderPollingService } from './provider-polling.service';
import { ProviderQuotaController } from './provider-quota.controller';
import { ProviderSnapshotsRepository } from './provider-snapshots.repository';
import { ReconciliationService } from './reconciliation.service';

/** Provider quota, balance and usage polling, its snapshots and alerts, and reconciliation. */
@Module({
  controllers: [ProviderQuotaController],
  providers: [
    ProviderPollStateRepository,
    ProviderPollAccountsRepository,
    ProviderSnapshotsRepository,
    ProviderPollingService,
    ProviderAlertsService,
    ReconciliationService,
    ProviderPollCron,
  ],
  exports: [ProviderPollingService],
})
export class ProviderQuotaModule {}
