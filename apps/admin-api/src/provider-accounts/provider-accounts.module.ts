import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Provider, ProviderAccount } from '@app/core';
import { ProviderAccountsController } from './provider-accounts.controller';
import { ProviderAccountsService } from './provider-accounts.service';

/**
 * Upstream accounts of providers (`/api/providers/:id/accounts`). Global so the providers
 * feature can create a provider's first account and apply URL changes in its own transaction.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Provider, ProviderAccount])],
  controllers: [ProviderAccountsController],
  providers: [ProviderAccountsService],
  exports: [ProviderAccountsService],
})
export class ProviderAccountsModule {}
