import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestIdFor } from '@app/core';
import { AdminMetrics } from './admin-metrics.service';

/**
 * Per admin request: an `x-request-id` (the caller's when it looks like one; the same id the
 * request's log line carries, see `httpLoggingModule`) and the Prometheus counters by route
 * pattern (never the raw path: ids would explode the label set).
 */
@Injectable()
export class RequestMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: AdminMetrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    requestIdFor(req, res);
    const stop = this.metrics.latency.startTimer();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      stop({ method: req.method, route });
      this.metrics.requests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  }
}
