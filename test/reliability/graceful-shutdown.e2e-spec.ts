import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeProvider } from '../support/fake-provider';
import { freePort } from '../support/free-port';
import { GatewayProcess } from '../support/gateway-process';
import { Seed } from '../support/seed';
import { createTestDatabase, waitFor } from '@app/core/testing';

/** SIGTERM: stop accepting, let the stream in flight finish, flush usage, exit 0. */
describe('graceful shutdown of the real gateway process', () => {
  jest.setTimeout(60_000);
  let seed: Seed;
  let fake: FakeProvider;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    fake = await FakeProvider.start('openai', { chunks: 8 });
    const providerId = await seed.provider('openai', fake.baseUrl, fake.apiKey);
    await seed.model('gpt-test', providerId);
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-shutdown-'));
    gateway = new GatewayProcess(await freePort(), { DATABASE_URL: url, DATA_DIR: dataDir });
    await gateway.start();
  });

  afterAll(async () => {
    await gateway?.kill('SIGKILL');
    await fake?.close();
    await seed?.close();
  });

  it('finishes the stream in flight, meters it, and exits cleanly', async () => {
    const { key } = await seed.developer();
    fake.mode = { type: 'slow-stream', chunkDelayMs: 150 };
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'take your time' }], stream: true }),
    });
    const id = res.headers.get('x-request-id');
    const reader = res.body!.getReader();
    await reader.read(); // the stream is under way
    const exited = gateway.kill('SIGTERM');
    // no longer accepting (the listener closes as soon as the signal is handled)
    const refused = await waitFor(
      () =>
        fetch(`${gateway.url}/livez`).then(
          () => false,
          () => true,
        ),
      'the listener to close',
      { timeoutMs: 5000 },
    ).catch(() => false);
    expect(refused).toBe(true);

    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    expect(text).toContain('data: [DONE]');
    expect(await exited).toBe(0);
    const [event] = await seed.dataSource.query(`SELECT status, completion_tokens, estimated FROM usage_events WHERE id = $1`, [id]);
    expect(event).toEqual({ status: 200, completion_tokens: 12, estimated: false });
    const dataDir = (gateway as unknown as { env: { DATA_DIR: string } }).env.DATA_DIR;
    expect(readdirSync(join(dataDir, 'spool')).filter((f) => f.endsWith('.ndjson'))).toEqual([]);
  });
});
