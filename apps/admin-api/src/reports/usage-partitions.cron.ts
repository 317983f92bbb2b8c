import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import type { Logger } from 'pino';
import { errorMessage, ROOT_LOGGER } from '@app/core';
import { UsagePartitionService } from '@app/usage';

/** Thin trigger: at start and daily, keep monthly usage partitions ahead and expire old ones. */
@Injectable()
export class UsagePartitionsCron implements OnApplicationBootstrap {
  constructor(
    private readonly partitions: UsagePartitionService,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.run();
  }

  @Cron(CronExpression.EVERY_DAY_AT_3AM)
  async run(): Promise<void> {
    await this.partitions.maintain().catch((error: unknown) => this.logger.warn({ err: errorMessage(error) }, 'usage partition maintenance failed'));
  }
}
