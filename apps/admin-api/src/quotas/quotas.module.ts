import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Department, User } from '@app/core';
import { Quota, QuotaStatusService } from '@app/usage';
import { QuotasController } from './quotas.controller';
import { QuotasService } from './quotas.service';

/**
 * Quota definitions (who sets what: `ScopePolicy.assertCanWriteQuota`) and their status. The
 * status comes from the usage lib's quota read model; enforcement is the gateway's.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Quota, User, Department])],
  controllers: [QuotasController],
  providers: [QuotaStatusService, QuotasService],
  exports: [QuotasService],
})
export class QuotasModule {}
