import { randomUUID } from 'node:crypto';
import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '@app/core';
import { AdminMetrics } from './admin-metrics.service';

const REQUEST_ID = /^[\w.-]{8,128}$/;

/**
 * Per admin request: an `x-request-id` (the caller's when it looks like one), one structured log
 * line (method, route pattern, status, duration, request id, caller id — never headers, so no
 * token or secret can reach a log), and the Prometheus counters by route pattern (never the raw
 * path: ids would explode the label set).
 */
@Injectable()
export class RequestMetricsMiddleware implements NestMiddleware {
  constructor(
    private readonly metrics: AdminMetrics,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    const stop = this.metrics.latency.startTimer();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      stop({ method: req.method, route });
      this.metrics.requests.inc({ method: req.method, route, status: String(res.statusCode) });
      if (route === '/metrics' || route === '/healthz') return;
      this.logger.info(
        {
          requestId,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          userId: (req as Request & { user?: { id?: string } }).user?.id,
        },
        'admin request',
      );
    });
    next();
  }
}
