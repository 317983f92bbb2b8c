import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService } from './health.service';
import { GatewayMetrics } from '../metrics/gateway-metrics.service';

@Controller()
export class HealthController {
  constructor(
    @Inject(HealthService) private readonly health: HealthService,
    @Inject(GatewayMetrics) private readonly metrics: GatewayMetrics,
  ) {}

  /** 200 when the process and the database are up (CONTRACT); 503 otherwise. */
  @Get('healthz')
  async healthz(@Res() res: Response): Promise<void> {
    const report = await this.health.check();
    res.status(report.database === 'up' ? 200 : 503).json(report);
  }

  /** Liveness only: a load balancer may keep routing here while the database is away (keys and quotas are served from memory). */
  @Get('livez')
  livez() {
    return { status: 'ok' };
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
