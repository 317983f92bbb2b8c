import { DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey, AuditLogEntry, CoreModule, CoreModuleOptions, Department, Model, Provider, User } from '@app/core';
import { Quota, QuotaLedger, UsageEvent, UsagePartitionService } from '@app/usage';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { JwtAuthGuard } from './auth/auth.guard';
import { AuthController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { JwtStrategy } from './auth/jwt.strategy';
import { PermissionsGuard } from './auth/permissions.guard';
import { ScopePolicy } from './auth/scope.policy';
import { SessionService } from './auth/session.service';
import { FirstRunService } from './bootstrap/first-run.service';
import { DomainExceptionFilter } from './common/domain-exception.filter';
import { DepartmentsController } from './departments/departments.controller';
import { DepartmentsService } from './departments/departments.service';
import { HealthController } from './health/health.controller';
import { MeController } from './me/me.controller';
import { ModelsController } from './models/models.controller';
import { ModelsService } from './models/models.service';
import { ProviderAlertsService } from './provider-quota/provider-alerts.service';
import { ProviderPollCron } from './provider-quota/provider-poll.cron';
import { ProviderPollingService } from './provider-quota/provider-polling.service';
import { ProviderQuotaController } from './provider-quota/provider-quota.controller';
import { ReconciliationService } from './provider-quota/reconciliation.service';
import { ProvidersController } from './providers/providers.controller';
import { ProvidersService } from './providers/providers.service';
import { QuotasController } from './quotas/quotas.controller';
import { QuotasService } from './quotas/quotas.service';
import { ReportsController } from './reports/reports.controller';
import { UsagePartitionsCron } from './reports/usage-partitions.cron';
import { UsageReportService } from './reports/usage-report.service';
import { UsageController } from './usage/usage.controller';
import { UsageEventsService } from './usage/usage-events.service';
import { UsageQueryService } from './usage/usage-query.service';
import { UsageSummaryService } from './usage/usage-summary.service';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

/** The admin API process: REST over one service layer, deny-by-default guards, one error filter. */
@Module({})
export class AdminApiModule {
  static register(options: CoreModuleOptions): DynamicModule {
    return {
      module: AdminApiModule,
      imports: [
        CoreModule.forRoot({ poolSize: 10, ...options }),
        TypeOrmModule.forFeature([User, Department, ApiKey, Provider, Model, AuditLogEntry, Quota, UsageEvent]),
        PassportModule,
        JwtModule.register({}),
        ScheduleModule.forRoot(),
      ],
      controllers: [
        AuthController,
        MeController,
        DepartmentsController,
        UsersController,
        ApiKeysController,
        ProviderQuotaController,
        ProvidersController,
        ModelsController,
        QuotasController,
        UsageController,
        ReportsController,
        AuditController,
        HealthController,
      ],
      providers: [
        { provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }) },
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: PermissionsGuard },
        { provide: APP_FILTER, useClass: DomainExceptionFilter },
        JwtStrategy,
        SessionService,
        AuthService,
        ScopePolicy,
        AuditService,
        DepartmentsService,
        UsersService,
        ApiKeysService,
        ProvidersService,
        ModelsService,
        QuotaLedger,
        QuotasService,
        UsageEventsService,
        UsageSummaryService,
        UsageQueryService,
        FirstRunService,
        UsageReportService,
        UsagePartitionService,
        UsagePartitionsCron,
        ProviderAlertsService,
        ProviderPollingService,
        ReconciliationService,
        ProviderPollCron,
      ],
    };
  }
}
