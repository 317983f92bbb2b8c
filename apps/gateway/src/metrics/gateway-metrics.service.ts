import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { UsageMeter, UsageRecord } from '@app/usage';
import { ModelCatalogService } from '../catalog/model-catalog.service';
import { BoundedLabel } from './bounded-label';
import { CounterTally } from './counter-tally';
import { EventLoopDelayMonitor } from './event-loop-delay';

const LOOP_DELAY_BUCKETS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1];

/** Distinct error codes per label before the rest count as `other`. */
const ERROR_CODE_LABELS = 100;

/**
 * Prometheus metrics of the gateway. Updated once per call from its usage record (no per-chunk
 * work), exposed at GET /metrics. Label values are bounded whatever clients and providers send:
 * a model outside the catalog is `unknown`, error codes beyond the first hundred are `other`.
 * The counters every call touches (requests, tokens, cost) keep running totals in a tally, copied
 * into prom-client at each scrape (see CounterTally).
 */
@Injectable()
export class GatewayMetrics implements OnModuleInit, OnModuleDestroy {
  readonly registry = new Registry();
  private readonly refusalCodes = new BoundedLabel(ERROR_CODE_LABELS);
  private readonly providerErrorCodes = new BoundedLabel(ERROR_CODE_LABELS);
  private readonly requestCounts = new CounterTally(['endpoint', 'model', 'status'] as const);
  private readonly requests = new Counter({
    name: 'tollgate_gateway_requests_total',
    help: 'Metered gateway calls by endpoint, model and HTTP status',
    labelNames: ['endpoint', 'model', 'status'] as const,
    registers: [this.registry],
    collect: (): void => this.requestCounts.fold(this.requests),
  });
  private readonly refusals = new Counter({
    name: 'tollgate_gateway_refusals_total',
    help: 'Calls refused by the gateway itself, by error code (quota_exceeded, invalid_api_key, ...)',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  private readonly providerErrors = new Counter({
    name: 'tollgate_gateway_provider_errors_total',
    help: 'Calls the provider failed, timed out or cut short',
    labelNames: ['provider', 'code'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'tollgate_gateway_request_duration_seconds',
    help: 'Gateway call duration, end to end',
    labelNames: ['endpoint', 'stream'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  private readonly ttft = new Histogram({
    name: 'tollgate_gateway_time_to_first_token_seconds',
    help: 'Time to first streamed chunk',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly tokenCounts = new CounterTally(['kind', 'model'] as const);
  private readonly tokens = new Counter({
    name: 'tollgate_gateway_tokens_total',
    help: 'Tokens metered, by kind',
    labelNames: ['kind', 'model'] as const,
    registers: [this.registry],
    collect: (): void => this.tokenCounts.fold(this.tokens),
  });
  private readonly costTotals = new CounterTally(['currency'] as const);
  private readonly cost = new Counter({
    name: 'tollgate_gateway_cost_total',
    help: 'Cost metered, by currency (float view for dashboards; exact figures are in PostgreSQL)',
    labelNames: ['currency'] as const,
    registers: [this.registry],
    collect: (): void => this.costTotals.fold(this.cost),
  });
  readonly spoolDepth = new Gauge({
    name: 'tollgate_usage_spool_pending_events',
    help: 'Usage events spooled to disk but not yet written to PostgreSQL',
    registers: [this.registry],
  });
  readonly batchLatency = new Histogram({
    name: 'tollgate_usage_batch_write_seconds',
    help: 'Duration of one usage batch transaction',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });

  readonly quarantined = new Counter({
    name: 'tollgate_usage_quarantined_total',
    help: 'Usage records the database refused, kept in usage_quarantine (a cleaned copy is committed in their place)',
    labelNames: ['copy'] as const,
    registers: [this.registry],
  });
  readonly oldestPending = new Gauge({
    name: 'tollgate_usage_oldest_pending_seconds',
    help: 'Age of the oldest usage event not yet written to PostgreSQL',
    registers: [this.registry],
  });
  private readonly eventLoopDelay: Histogram = new Histogram({
    name: 'tollgate_gateway_event_loop_delay_seconds',
    help: 'How late a 10 ms timer ran: stalls of the event loop, which every call in flight waits for',
    buckets: LOOP_DELAY_BUCKETS,
    registers: [this.registry],
    // filled from the native monitor at each scrape (see EventLoopDelayMonitor)
    collect: (): void => this.loopMonitor.fold(),
  });
  private readonly loopMonitor: EventLoopDelayMonitor = new EventLoopDelayMonitor(this.eventLoopDelay, LOOP_DELAY_BUCKETS);
  readonly writerStalled = new Gauge({
    name: 'tollgate_usage_writer_stalled',
    help: '1 while the oldest unwritten usage event is older than USAGE_STALL_SECONDS (health fails, an alert fires)',
    registers: [this.registry],
  });

  constructor(
    private readonly catalog: ModelCatalogService,
    private readonly meter: UsageMeter,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tollgate_gateway_' });
  }

  onModuleInit(): void {
    this.loopMonitor.start();
    this.meter.observe({
      onBatch: (_size, ms) => this.batchLatency.observe(ms / 1000),
      onQuarantine: (notice) => this.quarantined.inc({ copy: notice.cleanedCopyCommitted ? 'committed' : 'refused' }),
    });
  }

  onModuleDestroy(): void {
    this.loopMonitor.stop();
  }

  /** The model as a label: catalog names only, anything else is `unknown`. */
  modelLabel(model: string | null): string {
    return model !== null && this.catalog.route(model) ? model : 'unknown';
  }

  observe(record: UsageRecord): void {
    const model = this.modelLabel(record.model);
    this.requestCounts.cell(record.endpoint, model, record.status).value++;
    this.latency.observe({ endpoint: record.endpoint, stream: String(record.stream) }, record.latencyMs / 1000);
    if (record.ttftMs !== null) this.ttft.observe(record.ttftMs / 1000);
    if (record.errorCode) {
      if (record.status === 429 && record.errorCode === 'quota_exceeded') this.refusals.inc({ code: record.errorCode });
      else if (record.providerId && record.status >= 400) {
        this.providerErrors.inc({ provider: record.providerId, code: this.providerErrorCodes.value(record.errorCode) });
      } else this.refusals.inc({ code: this.refusalCodes.value(record.errorCode) });
    }
    if (record.totalTokens > 0) {
      this.tokenCounts.cell('prompt', model).value += record.promptTokens;
      this.tokenCounts.cell('completion', model).value += record.completionTokens;
      this.tokenCounts.cell('cached', model).value += record.cachedTokens;
      this.tokenCounts.cell('reasoning', model).value += record.reasoningTokens;
    }
    if (record.currency && record.cost !== '0') this.costTotals.cell(record.currency).value += Number(record.cost);
  }

  refused(code: string): void {
    this.refusals.inc({ code: this.refusalCodes.value(code) });
  }
}
