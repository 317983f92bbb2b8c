import { Controller, Get, Header, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { AppConfig, metricsScrapeAllowed } from '@app/core';
import { Public } from '../auth/decorators';
import { unauthorized } from '../common/errors';
import { AdminMetrics } from './admin-metrics.service';

/**
 * Prometheus scrape endpoint: public to the session guard, protected by METRICS_TOKEN when set
 * (Bearer; 401 otherwise), as on the gateway.
 */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: AdminMetrics,
    private readonly config: AppConfig,
  ) {}

  @Public()
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  scrape(@Req() req: Request): Promise<string> {
    if (!metricsScrapeAllowed(req.headers.authorization, this.config.metricsToken)) throw unauthorized('A valid metrics token is required');
    return this.metrics.registry.metrics();
  }
}
