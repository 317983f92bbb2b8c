import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { CoreModule, CoreModuleOptions, httpLoggingModule } from '@app/core';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BootstrapModule } from './bootstrap/bootstrap.module';
import { DomainExceptionFilter } from './common/domain-exception.filter';
import { createValidationPipe } from './common/validation.pipe';
import { DashboardModule } from './dashboard/dashboard.module';
import { DepartmentsModule } from './departments/departments.module';
import { HealthModule } from './health/health.module';
import { MeModule } from './me/me.module';
import { ModelsModule } from './models/models.module';
import { ObservabilityModule } from './observability/observability.module';
import { ProviderQuotaModule } from './provider-quota/provider-quota.module';
import { ProviderAccountsModule } from './provider-accounts';
import { ProvidersModule } from './providers/providers.module';
import { QuotasModule } from './quotas/quotas.module';
import { ReportsModule } from './reports/reports.module';
import { UsageModule } from './usage/usage.module';
import { UsersModule } from './users/users.module';

/**
 * The admin API process: REST over one service layer, deny-by-default guards (AuthModule),
 * one validation pipe, one error filter.
 *
 * HOW TO ADD YOUR FEATURE: write `your-feature/your-feature.module.ts` and add ONE line to
 * FEATURE_MODULES below. `ScopePolicy` (auth) and `AuditService` (audit) are global: inject
 * them without importing. Protect routes as `auth/permissions.ts` explains.
 *
 * Route order: Nest registers the root module's controllers first, then imported modules in
 * array order, and the first matching route wins. FEATURE_MODULES come before the identity and
 * catalog modules, so a specific path such as `GET /providers/quota` wins over `GET /providers/:id`.
 */
const FEATURE_MODULES: DynamicModule['imports'] = [
  // Provider polling, dashboard: one line each when they have their module
  QuotasModule,
  UsageModule,
  ReportsModule,
  MeModule,
  ObservabilityModule,
  ProviderQuotaModule,
  ProviderAccountsModule,
  DashboardModule,
];

/** Identity and catalog: departments, users, API keys, providers, models (their `:id` routes come last). */
const IDENTITY_AND_CATALOG_MODULES = [DepartmentsModule, UsersModule, ApiKeysModule, ProvidersModule, ModelsModule, HealthModule, BootstrapModule];

@Module({})
export class AdminApiModule {
  static register(options: CoreModuleOptions): DynamicModule {
    return {
      module: AdminApiModule,
      imports: [
        CoreModule.forRoot({ poolSize: 10, ...options }),
        httpLoggingModule(options.logger.pino, { requestLevel: 'info', message: 'admin request' }),
        ScheduleModule.forRoot(),
        AuthModule,
        AuditModule,
        ...(FEATURE_MODULES ?? []),
        ...IDENTITY_AND_CATALOG_MODULES,
      ],
      controllers: [
        // Features registered directly (move them into a module in FEATURE_MODULES when you can):
      ],
      providers: [
        { provide: APP_PIPE, useValue: createValidationPipe() },
        { provide: APP_FILTER, useClass: DomainExceptionFilter },
        // Features registered directly (move them into a module in FEATURE_MODULES when you can):
      ],
    };
  }
}
