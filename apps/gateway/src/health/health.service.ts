import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UsageMeter } from '@app/usage';

const CACHE_MS = 1000;

/** Database reachability, cached for a second so health probes never load the database. */
@Injectable()
export class HealthService {
  private last: { at: number; database: 'up' | 'down' } | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(UsageMeter) private readonly meter: UsageMeter,
  ) {}

  async check(): Promise<{ status: 'ok' | 'degraded'; database: 'up' | 'down'; spooledEvents: number }> {
    if (!this.last || Date.now() - this.last.at > CACHE_MS) {
      const database = await this.dataSource
        .query('SELECT 1')
        .then(() => 'up' as const)
        .catch(() => 'down' as const);
      this.last = { at: Date.now(), database };
    }
    return { status: this.last.database === 'up' ? 'ok' : 'degraded', database: this.last.database, spooledEvents: this.meter.pending };
  }
}
