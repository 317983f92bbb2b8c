import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errors, Pool } from 'undici';
import { CallCancellation, ClientClosedError, exchange, ExchangeOptions } from './upstream-exchange';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const POST: ExchangeOptions = { method: 'POST', path: '/', headers: { 'content-type': 'application/json' }, body: '{"model":"m"}' };

/** A real HTTP server on loopback; `handler` answers each request. */
async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  connections = 2,
): Promise<{ server: Server; pool: Pool; closed: IncomingMessage[] }> {
  const closed: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    res.once('close', () => closed.push(req));
    req.resume();
    req.once('end', () => handler(req, res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections, headersTimeout: 300, bodyTimeout: 300 });
  return { server, pool, closed };
}

async function readAll(body: AsyncIterable<Buffer>, pauseMs = 0): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(chunk);
    if (pauseMs) await sleep(pauseMs);
  }
  return chunks;
}

describe('exchange (undici dispatch, real HTTP server)', () => {
  let scene: Awaited<ReturnType<typeof serve>>;
  afterEach(async () => {
    await scene.pool.destroy();
    scene.server.closeAllConnections();
    scene.server.close();
  });

  it('resolves with the status and lower-case headers, and reads the body whole', async () => {
    scene = await serve((_req, res) => res.writeHead(201, { 'X-Thing': 'yes', 'content-type': 'application/json' }).end('{"ok":true}'));
    const response = await exchange(scene.pool, POST, new CallCancellation());
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-thing']).toBe('yes');
    expect((await response.body.buffer()).toString()).toBe('{"ok":true}');
  });

  it('streams chunk by chunk in order, and a slow reader still gets every byte of a large body', async () => {
    const big = Buffer.alloc(1024 * 1024, 'x');
    scene = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (req.url === '/') {
        void (async () => {
          for (const part of ['a', 'b', 'c']) {
            res.write(`data: ${part}\n\n`);
            await sleep(5);
          }
          res.end();
        })();
      } else res.end(big);
    });
    const response = await exchange(scene.pool, POST, new CallCancellation());
    expect(Buffer.concat(await readAll(response.body)).toString()).toBe('data: a\n\ndata: b\n\ndata: c\n\n');
    const large = await exchange(scene.pool, { ...POST, path: '/big' }, new CallCancellation());
    const chunks = await readAll(large.body, 1);
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
  });

  it('tells the reader when the answer has ended, so the rest can go out with the end', async () => {
    scene = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: early\n\n');
      setTimeout(() => res.end('data: last\n\n'), 30); // the last event and the end in one write
    });
    const response = await exchange(scene.pool, POST, new CallCancellation());
    const seen: Array<[string, boolean]> = [];
    for await (const chunk of response.body) seen.push([chunk.toString(), response.body.complete]);
    expect(seen).toEqual([
      ['data: early\n\n', false],
      ['data: last\n\n', true],
    ]);
  });

  it('a cancellation before the exchange starts rejects at once, without calling the provider', async () => {
    let calls = 0;
    scene = await serve((_req, res) => {
      calls++;
      res.end('{}');
    });
    const cancellation = new CallCancellation();
    cancellation.cancel();
    await expect(exchange(scene.pool, POST, cancellation)).rejects.toBeInstanceOf(ClientClosedError);
    expect(calls).toBe(0);
  });

  it('a cancellation mid-stream fails the reader with ClientClosedError and closes the provider connection', async () => {
    scene = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n'); // then silence
    });
    const cancellation = new CallCancellation();
    const response = await exchange(scene.pool, POST, cancellation);
    const iterator = response.body[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.toString()).toBe('data: first\n\n');
    const pending = iterator.next();
    cancellation.cancel();
    await expect(pending).rejects.toBeInstanceOf(ClientClosedError);
    await waitUntil(() => scene.closed.length === 1);
  });

  it('a provider that dies mid-stream fails the reader; one that goes silent times out with undici errors', async () => {
    scene = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      if (req.url === '/die') setTimeout(() => res.destroy(), 5);
    });
    const dying = await exchange(scene.pool, { ...POST, path: '/die' }, new CallCancellation());
    await expect(readAll(dying.body)).rejects.toThrow();
    const silent = await exchange(scene.pool, POST, new CallCancellation());
    await expect(readAll(silent.body)).rejects.toBeInstanceOf(errors.BodyTimeoutError);
  });

  it('a provider that never answers rejects with a headers timeout', async () => {
    scene = await serve(() => undefined);
    await expect(exchange(scene.pool, POST, new CallCancellation())).rejects.toBeInstanceOf(errors.HeadersTimeoutError);
  });

  it('a dumped body leaves the connection reusable; a reader that stops early aborts the rest', async () => {
    let connections = 0;
    scene = await serve((req, res) => {
      if (req.url === '/endless') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: one\n\n');
        return;
      }
      res.end('{"error":"not here"}');
    }, 1);
    scene.server.on('connection', () => connections++);
    await (await exchange(scene.pool, POST, new CallCancellation())).body.dump();
    expect((await (await exchange(scene.pool, POST, new CallCancellation())).body.buffer()).toString()).toBe('{"error":"not here"}');
    expect(connections).toBe(1);

    const endless = await exchange(scene.pool, { ...POST, path: '/endless' }, new CallCancellation());
    for await (const chunk of endless.body) {
      expect(chunk.toString()).toBe('data: one\n\n');
      break; // calls the iterator's return(): the provider's connection is dropped
    }
    await waitUntil(() => scene.closed.some((req) => req.url === '/endless'));
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
