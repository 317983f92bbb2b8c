import type { DataSource } from 'typeorm';
import { Pool } from 'undici';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A steady load of metered chat calls against a gateway, as the crash and outage suites drive it:
 * `workers` loops over one connection pool, each sending the next call as soon as the last one
 * ends. Collects the request ids of the calls answered 200 (the calls that must be metered).
 */
export class ChatLoad {
  /** Request ids of the calls the clients saw succeed. */
  readonly served = new Set<string>();
  /** Calls that failed (an error status or no answer). */
  failed = 0;
  private running = true;
  private readonly client: Pool;
  private readonly workers: Array<Promise<void>>;

  constructor(gatewayUrl: string, key: string, options: { connections: number; workers: number }) {
    this.client = new Pool(gatewayUrl, { connections: options.connections });
    const body = JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'count me' }] });
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const worker = async () => {
      while (this.running) {
        try {
          const res = await this.client.request({ method: 'POST', path: '/v1/chat/completions', headers, body });
          await res.body.text();
          if (res.statusCode === 200) this.served.add(String(res.headers['x-request-id']));
          else this.failed++;
        } catch {
          this.failed++;
          await sleep(20);
        }
      }
    };
    this.workers = Array.from({ length: options.workers }, worker);
  }

  /** Lets the calls under way finish, then closes the pool. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    await this.client.close();
  }
}

/**
 * How many usage events each of these request ids has, once all of them have at least one (or
 * after ~30 s, so a missing event fails the test's assertion instead of hanging it).
 */
export async function usageEventCounts(dataSource: DataSource, ids: string[]): Promise<Array<{ id: string; n: number }>> {
  let found: Array<{ id: string; n: number }> = [];
  for (let i = 0; i < 100; i++) {
    found = await dataSource.query(`SELECT id::text, count(*)::int AS n FROM usage_events WHERE id = ANY($1::uuid[]) GROUP BY id`, [ids]);
    if (found.length === ids.length) break;
    await sleep(300);
  }
  return found;
}
