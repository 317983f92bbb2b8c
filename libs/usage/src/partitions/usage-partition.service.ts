import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AppConfig, errorMessage, ROOT_LOGGER } from '@app/core';

const LOCK_ID = 7_304_112_002;
const MONTHS_AHEAD = 3;

/**
 * Keeps `usage_events` partitioned by month: partitions are created three months ahead (the
 * default partition only ever catches clock-skewed stragglers) and dropped once older than
 * USAGE_RETENTION_MONTHS. Rollups are kept, so reports over dropped months still work.
 * Runs under an advisory lock: with several admin replicas, one does the work.
 */
@Injectable()
export class UsagePartitionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async maintain(now = new Date()): Promise<{ created: string[]; dropped: string[] }> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock($1) AS locked`, [LOCK_ID])) as [{ locked: boolean }];
      if (!locked) return { created: [], dropped: [] };
      try {
        const before = await this.partitions(runner.query.bind(runner));
        for (let month = 0; month <= MONTHS_AHEAD; month++) {
          await runner
            .query(`SELECT tollgate_ensure_usage_partition((date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC') + make_interval(months => $2))::date)`, [
              now,
              month,
            ])
            .catch((error: unknown) =>
              this.logger.warn({ err: errorMessage(error), month }, 'usage partition could not be created (rows waiting in the default partition?)'),
            );
        }
        const cutoff = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - this.config.usageRetentionMonths, 1));
        const dropped: string[] = [];
        for (const name of await this.partitions(runner.query.bind(runner))) {
          const match = /^usage_events_(\d{4})(\d{2})$/.exec(name);
          if (!match) continue;
          const end = new Date(Date.UTC(Number(match[1]), Number(match[2]), 1));
          if (end <= cutoff) {
            await runner.query(`DROP TABLE ${name}`);
            dropped.push(name);
          }
        }
        const after = await this.partitions(runner.query.bind(runner));
        const created = after.filter((name) => !before.includes(name));
        if (created.length || dropped.length) this.logger.info({ created, dropped }, 'usage partitions maintained');
        return { created, dropped };
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1)`, [LOCK_ID]);
      }
    } finally {
      await runner.release();
    }
  }

  private async partitions(query: (sql: string) => Promise<Array<{ name: string }>>): Promise<string[]> {
    const rows = await query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       WHERE p.relname = 'usage_events' ORDER BY 1`,
    );
    return rows.map((row) => row.name);
  }
}
