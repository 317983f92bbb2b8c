import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig, metricsScrapeAllowed } from '@app/core';
import { Public } from '../key-auth/public.decorator';
import { HealthService } from './health.service';
import { GatewayMetrics } from '../metrics/gateway-metrics.service';

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly metrics: GatewayMetrics,
    private readonly config: AppConfig,
  ) {}

  /** 200 when the process and the database are up and usage is being written (CONTRACT); 503 naming the cause otherwise. */
  @Public()
  @Get('healthz')
  async healthz(@Res() res: Response): Promise<void> {
    const report = await this.health.check();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  }

  /** Liveness only: a load balancer may keep routing here while the database is away (keys and quotas are served from memory). */
  @Public()
  @Get('livez')
  livez() {
    return { status: 'ok' };
  }

  /** Prometheus scrape; with METRICS_TOKEN set, only for `Authorization: Bearer <METRICS_TOKEN>`. */
  @Public()
  @Get('metrics')
  async scrape(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!metricsScrapeAllowed(req.headers.authorization, this.config.metricsToken)) {
      res
        .status(401)
        .setHeader('www-authenticate', 'Bearer')
        .json({ error: { message: 'A valid metrics token is required.', type: 'invalid_request_error', code: 'unauthorized' } });
      return;
    }
    const text = await this.metrics.registry.metrics();
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.send(text);
  }
}
