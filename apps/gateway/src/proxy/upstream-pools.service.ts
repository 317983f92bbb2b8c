import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'undici';
import { AppConfig } from '@app/core';
import { guardedConnector } from '@app/providers';

/**
 * One keep-alive connection pool per provider origin, created on first use. Connections are
 * reused across calls, which is most of the difference between a proxy that keeps up with its
 * provider and one that does not.
 */
@Injectable()
export class UpstreamPoolsService implements OnApplicationShutdown {
  private readonly pools = new Map<string, Pool>();

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections: 256,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        // link-local / cloud-metadata addresses refused, also after DNS resolution (rebinding)
        connect: guardedConnector({ timeout: this.config.upstreamConnectTimeoutMs }),
        headersTimeout: this.config.upstreamFirstByteTimeoutMs,
        bodyTimeout: this.config.upstreamIdleTimeoutMs,
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close().catch(() => undefined)));
  }
}
