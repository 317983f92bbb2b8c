import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/decorators';
import { AdminMetrics } from './admin-metrics.service';

/** Prometheus scrape endpoint (bind HOST to an internal interface or filter /metrics at the proxy). */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(@Inject(AdminMetrics) private readonly metrics: AdminMetrics) {}

  @Public()
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
