import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AdminMetrics } from './admin-metrics.service';
import { MetricsController } from './metrics.controller';
import { RequestMetricsMiddleware } from './request-metrics.middleware';

/** Prometheus metrics for the admin API; AdminMetrics is global so features can count their own events. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [AdminMetrics, RequestMetricsMiddleware],
  exports: [AdminMetrics],
})
export class ObservabilityModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestMetricsMiddleware).forRoutes('*path');
  }
}
