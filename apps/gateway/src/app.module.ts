import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CoreModule, CoreModuleOptions } from '@app/core';
import { UsageModule } from '@app/usage';
import { ModelCatalogService } from './catalog/model-catalog.service';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { UsageWriterHealth } from './health/usage-writer-health';
import { KeyCacheService } from './key-auth/key-cache.service';
import { GatewayMetrics } from './metrics/gateway-metrics.service';
import { ModelListService } from './models/model-list.service';
import { ModelsController } from './models/models.controller';
import { CountTokensService } from './proxy/count-tokens.service';
import { PassthroughService } from './proxy/passthrough.service';
import { GatewayExceptionFilter } from './proxy/gateway-exception.filter';
import { ProxyService } from './proxy/proxy.service';
import { UpstreamPoolsService } from './proxy/upstream-pools.service';
import { UPSTREAM_ACCOUNT_PROVIDERS } from './upstream';

/** The OpenAI-compatible gateway process. */
@Module({})
export class GatewayModule {
  static register(options: CoreModuleOptions): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        // No nestjs-pino here: its per-request AsyncLocalStorage costs every metered call (see logRawRequest).
        CoreModule.forRoot({ poolSize: 10, ...options }),
        UsageModule,
      ],
      controllers: [ModelsController, HealthController],
      providers: [
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
        KeyCacheService,
        ModelCatalogService,
        UpstreamPoolsService,
        ProxyService,
        CountTokensService,
        PassthroughService,
        ModelListService,
        HealthService,
        UsageWriterHealth,
        GatewayMetrics,
        ...UPSTREAM_ACCOUNT_PROVIDERS,
      ],
    };
  }
}
