import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, ROOT_LOGGER } from '@app/core';
import { UsageMeter } from '@app/usage';
import { GatewayMetrics } from '../metrics/gateway-metrics.service';

const TICK_MS = 1000;

export interface UsageWriterState {
  state: 'writing' | 'stalled';
  pendingEvents: number;
  oldestPendingSeconds: number;
  /** Present when stalled: what /healthz names. */
  cause?: string;
}

/**
 * Whether usage is being written (DESIGN.md §5, CONTRACT /healthz): the writer is stalled when
 * the oldest event it has not committed is older than USAGE_STALL_SECONDS (the database is away,
 * or something keeps refusing). Stalled makes /healthz fail with the cause; the transition is
 * an alert (error log, `tollgate_usage_writer_stalled` = 1, ALERT_WEBHOOK_URL when set), and so
 * is the recovery. The gauges are refreshed every second.
 */
@Injectable()
export class UsageWriterHealth implements OnModuleInit, OnModuleDestroy {
  private stalled = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly meter: UsageMeter,
    private readonly metrics: GatewayMetrics,
    private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  state(now = Date.now()): UsageWriterState {
    const oldestMs = this.meter.oldestPendingMs(now);
    const oldestPendingSeconds = Math.floor(oldestMs / 1000);
    const pendingEvents = this.meter.pending;
    if (oldestMs < this.config.usageStallSeconds * 1000) return { state: 'writing', pendingEvents, oldestPendingSeconds };
    return {
      state: 'stalled',
      pendingEvents,
      oldestPendingSeconds,
      cause: `usage writer stalled: the oldest of ${pendingEvents} unwritten usage events is ${oldestPendingSeconds} s old (limit ${this.config.usageStallSeconds} s)`,
    };
  }

  private tick(): void {
    const current = this.state();
    this.metrics.spoolDepth.set(current.pendingEvents);
    this.metrics.oldestPending.set(this.meter.oldestPendingMs() / 1000);
    this.metrics.writerStalled.set(current.state === 'stalled' ? 1 : 0);
    const stalled = current.state === 'stalled';
    if (stalled === this.stalled) return;
    this.stalled = stalled;
    if (stalled) {
      const cause = current.cause ?? 'usage writer stalled';
      this.logger.error({ alert: 'usage_writer_stalled', pendingEvents: current.pendingEvents, oldestPendingSeconds: current.oldestPendingSeconds }, cause);
      void this.notify('usage_writer_stalled', cause, current);
    } else {
      this.logger.warn({ alert: 'usage_writer_recovered' }, 'usage writer recovered: usage is being written again');
      void this.notify('usage_writer_recovered', 'usage writer recovered: usage is being written again', current);
    }
  }

  /** Best effort, like the admin API's provider alerts: same JSON shape, same webhook. */
  private async notify(type: string, message: string, details: UsageWriterState): Promise<void> {
    if (!this.config.alertWebhookUrl) return;
    await fetch(this.config.alertWebhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'tollgate', at: new Date().toISOString(), type, message, details }),
      signal: AbortSignal.timeout(5000),
    }).catch((error: unknown) => this.logger.warn({ err: (error as Error).message }, 'alert webhook failed'));
  }
}
