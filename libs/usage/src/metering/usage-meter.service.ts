import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AppConfig, ROOT_LOGGER } from '@app/core';
import { QuotaLedger } from '../quota/quota-ledger.service';
import type { UsageRecord } from './usage-record';
import { UsageSpool } from './usage-spool';
import { UsageWriter, UsageWriterObserver } from './usage-writer';
import { ThreadedUsageWriter, usageWriterThreadScript } from './threaded-usage-writer';

/**
 * The gateway's metering entry point: `record()` makes a usage record durable (spool) and
 * queues it for the batch writer, which commits events, rollups and quota usage together.
 * Spool files are named after the quota ledger's replica id, so leases and spool agree.
 * Metrics and health learn what the writer does through `observe()` and the read-only getters.
 * In the gateway process the writer's database half runs in a worker thread (off the request
 * loop); where no thread is enabled (the app built in-process by tests) it runs in this thread.
 */
@Injectable()
export class UsageMeter implements OnModuleInit, OnApplicationShutdown {
  private readonly writer: Pick<UsageWriter, 'start' | 'record' | 'observe' | 'queued' | 'oldestPendingMs' | 'stop'>;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(AppConfig) config: AppConfig,
    @Inject(QuotaLedger) ledger: QuotaLedger,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    const spool = new UsageSpool(config.spoolDir, ledger.replicaId);
    const script = usageWriterThreadScript();
    const url = (dataSource.options as { url?: string }).url;
    const writerLogger = logger.child({ context: 'UsageWriter' });
    this.writer = script && url ? new ThreadedUsageWriter(script, url, spool, ledger, writerLogger) : new UsageWriter(dataSource, spool, ledger, writerLogger);
  }

  onModuleInit(): void {
    this.writer.start();
  }

  /**
   * Cleans what PostgreSQL could not store, spools durably, queues for the batch writer. Resolves
   * once the record is in the spool file: end the response after it (group commit, one write per
   * event-loop turn for all calls that ended in it).
   */
  record(record: UsageRecord): Promise<void> {
    return this.writer.record(record);
  }

  /** Batches committed and records quarantined, as they happen. */
  observe(observer: UsageWriterObserver): void {
    this.writer.observe(observer);
  }

  /** Events accepted but not yet in PostgreSQL. */
  get pending(): number {
    return this.writer.queued;
  }

  /** Age of the oldest event not yet in PostgreSQL, in ms (0 when everything is written). */
  oldestPendingMs(now = Date.now()): number {
    return this.writer.oldestPendingMs(now);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.writer.stop();
  }
}
