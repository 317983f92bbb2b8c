import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UsageWriterHealth, UsageWriterState } from './usage-writer-health';

const CACHE_MS = 1000;

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'up' | 'down';
  usageWriter: UsageWriterState;
  spooledEvents: number;
  /** Why the status is degraded, one sentence each (empty when ok). */
  causes: string[];
}

/**
 * Healthy means the database is up AND usage is being written (CONTRACT /healthz). Database
 * reachability is cached for a second so health probes never load the database.
 */
@Injectable()
export class HealthService {
  private last: { at: number; database: 'up' | 'down' } | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly usageWriter: UsageWriterHealth,
  ) {}

  async check(): Promise<HealthReport> {
    if (!this.last || Date.now() - this.last.at > CACHE_MS) {
      const database = await this.dataSource
        .query('SELECT 1')
        .then(() => 'up' as const)
        .catch(() => 'down' as const);
      this.last = { at: Date.now(), database };
    }
    const usageWriter = this.usageWriter.state();
    const causes: string[] = [];
    if (this.last.database === 'down') causes.push('database unreachable');
    if (usageWriter.cause) causes.push(usageWriter.cause);
    return {
      status: causes.length === 0 ? 'ok' : 'degraded',
      database: this.last.database,
      usageWriter,
      spooledEvents: usageWriter.pendingEvents,
      causes,
    };
  }
}
