import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsageEvent } from './events/usage-event.entity';
import { UsageMeter } from './metering/usage-meter.service';
import { Quota } from './quota/quota.entity';
import { QuotaLedger } from './quota/quota-ledger.service';

/** Metering and quota enforcement for the gateway process. */
@Module({
  imports: [TypeOrmModule.forFeature([UsageEvent, Quota])],
  providers: [QuotaLedger, UsageMeter],
  exports: [QuotaLedger, UsageMeter],
})
export class UsageModule {}
