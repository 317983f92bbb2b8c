import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '@app/core';
import { ProvidersModule } from '../providers/providers.module';
import { UsersModule } from '../users/users.module';
import { FirstRunService } from './first-run.service';

/** Start-up bootstrapping from the environment: the first admin, providers from their API keys. */
@Module({
  imports: [TypeOrmModule.forFeature([User]), ProvidersModule, UsersModule],
  providers: [FirstRunService],
})
export class BootstrapModule {}
