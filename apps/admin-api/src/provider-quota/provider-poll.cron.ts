import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Logger } from 'pino';
import { AppConfig, ROOT_LOGGER } from '@app/core';
import { ProviderPollingService } from './provider-polling.service';

const JOB = 'provider-poll';

/**
 * Thin trigger on @nestjs/schedule: ticks several times per PROVIDER_POLL_SECONDS (at most every
 * 5 s) and lets the service claim whichever providers are due; the claim, not the tick, decides
 * that each provider is polled once per period whatever the number of replicas.
 */
@Injectable()
export class ProviderPollCron implements OnApplicationBootstrap, OnApplicationShutdown {
  private running: Promise<unknown> | undefined;

  constructor(
    @Inject(ProviderPollingService) private readonly polling: ProviderPollingService,
    @Inject(SchedulerRegistry) private readonly scheduler: SchedulerRegistry,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const tickMs = Math.min(5000, Math.max(50, (this.config.providerPollSeconds * 1000) / 4));
    const timer = setInterval(() => this.tick(), tickMs);
    timer.unref();
    this.scheduler.addInterval(JOB, timer);
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.polling
      .pollDue()
      .catch((error: Error) => this.logger.error({ err: error.message }, 'provider polling tick failed'))
      .finally(() => (this.running = undefined));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.scheduler.doesExist('interval', JOB)) this.scheduler.deleteInterval(JOB);
    await this.running;
  }
}
