import { EventEmitter } from 'node:events';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { errorMessage } from '../logging/error-message';

const CHANGE_CHANNEL = 'tollgate_changes';
export type ChangedTable = 'departments' | 'users' | 'api_keys' | 'providers' | 'provider_accounts' | 'models' | 'quotas' | 'admin_sessions';

/**
 * Listens to the change notifications raised by table triggers (see the initial migration) and
 * re-emits them per table. Reconnects on its own; after a reconnect it emits `resync`, because
 * notifications sent while disconnected are lost and caches must assume everything changed.
 */
export class ChangeFeed extends EventEmitter {
  private client: Client | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect().catch((error: unknown) => {
      this.logger.warn({ err: errorMessage(error) }, 'change feed: database unavailable, retrying');
      this.scheduleReconnect();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel === CHANGE_CHANNEL && message.payload) this.emit('change', message.payload);
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error.message }, 'change feed: connection lost');
      if (this.client === client) {
        this.client = undefined;
        client.end().catch(() => undefined);
        this.scheduleReconnect();
      }
    });
    await client.connect();
    await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    const reconnected = this.client === undefined && this.listenerCount('resync') > 0;
    this.client = client;
    if (reconnected) this.emit('resync');
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.connect().catch(() => this.scheduleReconnect());
    }, 1000);
    this.retryTimer.unref();
  }
}
