import { Module } from '@nestjs/common';
import { QuotasModule } from '../quotas/quotas.module';
import { UsageModule } from '../usage/usage.module';
import { UsersModule } from '../users/users.module';
import { MeController } from './me.controller';

/** `/api/me…`: the caller's own profile, usage and quotas, answered by the users, usage and quotas features. */
@Module({
  imports: [UsersModule, UsageModule, QuotasModule],
  controllers: [MeController],
})
export class MeModule {}
