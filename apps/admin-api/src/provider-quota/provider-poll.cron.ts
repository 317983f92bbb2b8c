import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, ROOT_LOGGER } from '@app/core';
import { ProviderPollingService } from './provider-polling.service';

/** Thin trigger: every PROVIDER_POLL_SECONDS (and shortly after start), poll every provider. */
@Injectable()
export class ProviderPollCron implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    @Inject(ProviderPollingService) private readonly polling: ProviderPollingService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const run = () => {
      if (this.running) return;
      this.running = this.polling
        .pollAll()
        .catch((error: Error) => this.logger.error({ err: error.message }, 'provider polling run failed'))
        .finally(() => (this.running = undefined));
    };
    setTimeout(run, 2000).unref();
    this.timer = setInterval(run, this.config.providerPollSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
