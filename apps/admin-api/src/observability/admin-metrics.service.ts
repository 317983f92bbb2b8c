import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of the admin API process. */
@Injectable()
export class AdminMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'tollgate_admin_requests_total',
    help: 'Admin API requests by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'tollgate_admin_request_duration_seconds',
    help: 'Admin API request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly providerPolls = new Counter({
    name: 'tollgate_provider_polls_total',
    help: 'Provider quota/balance/usage polls by provider kind and outcome (ok, auth, limited, error)',
    labelNames: ['kind', 'status'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tollgate_admin_' });
  }
}
