import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fakePromptTokens, json, split, words } from './fake-wire';

/**
 * A fake LLM provider on loopback speaking the real wire formats (see shared providers.md):
 * OpenAI, DashScope's OpenAI-compatible mode (its key order, `usage:null` chunks, the final
 * `choices:[]` usage chunk only with `include_usage`), and Huawei MaaS (vLLM-style bodies,
 * cumulative usage on every chunk, `{error_code, error_msg}` errors). Deterministic token counts
 * let tests assert exact figures.
 */
export type FakeProviderKind = 'openai' | 'dashscope' | 'huawei-maas';
export type FakeMode =
  | { type: 'ok' }
  | { type: 'error'; status: number; body: unknown; headers?: Record<string, string> }
  | { type: 'hang' }
  | { type: 'hang-mid-stream'; afterChunks: number }
  | { type: 'die-mid-stream'; afterChunks: number }
  | { type: 'slow-stream'; chunkDelayMs: number };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  aborted: boolean;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: unknown) => void;

const DEFAULT_CONTENT = 'Hello from the fake provider, streaming as the real one does.';

export class FakeProvider {
  mode: FakeMode = { type: 'ok' };
  /** Further keys it accepts (several upstream accounts of one provider), each with its own mode if set. */
  readonly extraKeys = new Set<string>();
  readonly modeByKey = new Map<string, FakeMode>();
  requests: RecordedRequest[] = [];
  readonly baseUrl: string;
  private readonly routes = new Map<string, Handler>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly kind: FakeProviderKind,
    readonly origin: string,
    private readonly server: Server,
    readonly apiKey: string,
    private readonly completionTokens: number,
    private readonly chunks: number,
    private readonly content: string,
  ) {
    this.baseUrl = kind === 'openai' ? `${origin}/v1` : origin;
    const prefix = kind === 'openai' ? '/v1' : kind === 'dashscope' ? '/compatible-mode/v1' : '/v1';
    this.on('POST', `${prefix}/chat/completions`, (req, res, body) => this.chat(res, body as Record<string, unknown>));
    this.on('POST', `${prefix}/embeddings`, (req, res, body) => this.embeddings(res, body as Record<string, unknown>));
    this.on('GET', `${prefix}/models`, (req, res) =>
      json(res, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: kind }] }),
    );
  }

  static async start(
    kind: FakeProviderKind,
    opts: { apiKey?: string; completionTokens?: number; chunks?: number; content?: string } = {},
  ): Promise<FakeProvider> {
    const server = createServer();
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeProvider(
      kind,
      `http://127.0.0.1:${port}`,
      server,
      opts.apiKey ?? 'sk-fake-upstream-secret',
      opts.completionTokens ?? 12,
      opts.chunks ?? 4,
      opts.content ?? DEFAULT_CONTENT,
    );
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    server.on('request', (req, res) => fake.dispatch(req, res));
    return fake;
  }

  /** Registers an extra route (quota/balance endpoints of other suites). */
  on(method: string, path: string, handler: Handler): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  reset(): void {
    this.mode = { type: 'ok' };
    this.requests = [];
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // keep the raw string
      }
      const path = (req.url ?? '/').split('?')[0];
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path, headers: req.headers, body, aborted: false };
      this.requests.push(recorded);
      res.on('close', () => {
        if (!res.writableFinished) recorded.aborted = true;
      });
      const handler = this.routes.get(`${req.method} ${path}`);
      if (!handler) {
        this.error(res, 404, 'not found');
        return;
      }
      // Bearer everywhere; Anthropic-style endpoints also take x-api-key. Several accounts: several keys.
      const xApiKey = req.headers['x-api-key'];
      const key = typeof xApiKey === 'string' && !req.headers.authorization ? xApiKey : (req.headers.authorization ?? '').replace(/^Bearer /, '');
      if (key !== this.apiKey && !this.extraKeys.has(key)) {
        this.unauthorized(res);
        return;
      }
      const mode = this.modeByKey.get(key) ?? this.mode;
      if (mode.type === 'error') {
        json(res, mode.status, mode.body, mode.headers);
        return;
      }
      if (mode.type === 'hang') return; // never answer
      handler(req, res, body);
    });
  }

  private unauthorized(res: ServerResponse): void {
    if (this.kind === 'huawei-maas') {
      json(res, 401, { error_code: 'ModelArts.81003', error_msg: 'Invalid authorization header.' });
      return;
    }
    json(res, 401, { error: { message: 'Incorrect API key provided. ', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
  }

  private error(res: ServerResponse, status: number, message: string): void {
    if (this.kind === 'huawei-maas') {
      json(res, status, { error_msg: message, error_code: 'APIG.0101', request_id: 'fake' });
      return;
    }
    json(res, status, { error: { message, type: 'invalid_request_error', param: null, code: String(status) } });
  }

  private usageFor(body: Record<string, unknown>) {
    const prompt = fakePromptTokens(body.messages);
    const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : Infinity;
    const completion = Math.min(this.completionTokens, maxTokens);
    const usage: Record<string, unknown> = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
    if (String(body.model).includes('reasoner')) usage.completion_tokens_details = { reasoning_tokens: Math.floor(completion / 2) };
    if (JSON.stringify(body.messages ?? '').includes('CACHED')) usage.prompt_tokens_details = { cached_tokens: Math.floor(prompt / 2) };
    return usage;
  }

  private chat(res: ServerResponse, body: Record<string, unknown>): void {
    const usage = this.usageFor(body);
    const model = String(body.model);
    const id = `chatcmpl-${Math.random().toString(16).slice(2)}`;
    const tools = toolTurn(body);
    if (tools) {
      this.toolAnswer(res, body, id, model, usage, tools);
      return;
    }
    if (body.stream !== true) {
      json(res, 200, this.completionBody(id, model, usage));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
    const pieces = split(this.content, this.chunks);
    const events: string[] = pieces.map((piece, i) =>
      this.chunkEvent(id, model, { content: piece, ...(i === 0 ? { role: 'assistant' } : {}) }, null, usage, i, pieces.length),
    );
    events.push(this.chunkEvent(id, model, {}, 'stop', usage, pieces.length, pieces.length));
    if (this.kind !== 'huawei-maas' && includeUsage === true) events.push(this.usageEvent(id, model, usage));
    events.push('data: [DONE]\n\n');
    this.writeEvents(res, events);
  }

  /**
   * With a `get_weather` tool offered: calls it (after a short text) unless the last message is
   * its result, then answers from the result. Tool arguments stream in fragments, as OpenAI does.
   */
  private toolAnswer(res: ServerResponse, body: Record<string, unknown>, id: string, model: string, usage: Record<string, unknown>, turn: ToolTurn): void {
    const call = { id: 'call_fake01', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } };
    const finish = turn.call ? 'tool_calls' : 'stop';
    if (body.stream !== true) {
      const message = { role: 'assistant', content: turn.text, ...(turn.call ? { tool_calls: [call] } : {}) };
      json(res, 200, { id, object: 'chat.completion', created: 0, model, choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const events = [this.chunkEvent(id, model, { role: 'assistant', content: turn.text }, null, usage, 0, 3)];
    if (turn.call) {
      events.push(
        this.chunkEvent(
          id,
          model,
          { tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: 'get_weather', arguments: '' } }] },
          null,
          usage,
          1,
          3,
        ),
      );
      for (const piece of ['{"city":', '"Paris","unit"', ':"celsius"}'])
        events.push(this.chunkEvent(id, model, { tool_calls: [{ index: 0, function: { arguments: piece } }] }, null, usage, 1, 3));
    }
    events.push(this.chunkEvent(id, model, {}, finish, usage, 3, 3));
    if (this.kind !== 'huawei-maas' && (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage)
      events.push(this.usageEvent(id, model, usage));
    events.push('data: [DONE]\n\n');
    this.writeEvents(res, events);
  }

  /** Writes SSE events one by one, honouring the failure modes (other fakes' streams too). */
  writeStream(res: ServerResponse, events: string[]): void {
    this.writeEvents(res, events);
  }

  private writeEvents(res: ServerResponse, events: string[]): void {
    const mode = this.mode;
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if ((mode.type === 'die-mid-stream' || mode.type === 'hang-mid-stream') && i >= mode.afterChunks) {
        if (mode.type === 'die-mid-stream') res.socket?.destroy();
        return;
      }
      if (i >= events.length) return void res.end();
      res.write(events[i++]);
      if (mode.type === 'slow-stream') setTimeout(next, mode.chunkDelayMs);
      else setImmediate(next);
    };
    next();
  }

  private completionBody(id: string, model: string, usage: Record<string, unknown>): Record<string, unknown> {
    const message = { role: 'assistant', content: this.content };
    if (this.kind === 'dashscope') {
      return {
        choices: [{ message, finish_reason: 'stop', index: 0, logprobs: null }],
        object: 'chat.completion',
        usage,
        created: Math.floor(Date.now() / 1000),
        system_fingerprint: null,
        model,
        id,
      };
    }
    if (this.kind === 'huawei-maas') {
      return {
        id,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, message: { ...message, reasoning_content: null, tool_calls: [] }, logprobs: null, finish_reason: 'stop', stop_reason: null }],
        usage,
        prompt_logprobs: null,
      };
    }
    return {
      id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      system_fingerprint: 'fp_fake',
      choices: [{ index: 0, message, logprobs: null, finish_reason: 'stop' }],
      usage,
    };
  }

  private chunkEvent(
    id: string,
    model: string,
    delta: Record<string, unknown>,
    finishReason: string | null,
    usage: Record<string, unknown>,
    index: number,
    total: number,
  ): string {
    const created = Math.floor(Date.now() / 1000);
    if (this.kind === 'huawei-maas') {
      // cumulative usage on every chunk: completion grows to its final value
      const completion = Math.round(((usage.completion_tokens as number) * Math.min(index + 1, total)) / total);
      const running = { prompt_tokens: usage.prompt_tokens, completion_tokens: completion, total_tokens: (usage.prompt_tokens as number) + completion };
      const data = {
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
        usage: finishReason ? usage : running,
      };
      return `data: ${JSON.stringify(data)}\n\n`;
    }
    if (this.kind === 'dashscope') {
      const data = {
        choices: [{ delta, finish_reason: finishReason, index: 0, logprobs: null }],
        object: 'chat.completion.chunk',
        usage: null,
        created,
        system_fingerprint: null,
        model,
        id,
      };
      return `data: ${JSON.stringify(data)}\n\n`;
    }
    const data = {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: 'fp_fake',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      usage: null,
    };
    return `data: ${JSON.stringify(data)}\n\n`;
  }

  private usageEvent(id: string, model: string, usage: Record<string, unknown>): string {
    const created = Math.floor(Date.now() / 1000);
    const data =
      this.kind === 'dashscope'
        ? { choices: [], object: 'chat.completion.chunk', usage, created, system_fingerprint: null, model, id }
        : { id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake', choices: [], usage };
    return `data: ${JSON.stringify(data)}\n\n`;
  }

  private embeddings(res: ServerResponse, body: Record<string, unknown>): void {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const prompt = inputs.reduce<number>((sum, input) => sum + (typeof input === 'string' ? words(input) : 0), 0);
    const vector = [0.0026341788470745087, -0.03762197867035866];
    // The OpenAI SDK asks for base64 (little-endian float32) by default; curl users get floats.
    const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    const data = inputs.map((_, index) => ({ embedding, index, object: 'embedding' }));
    if (this.kind === 'huawei-maas') {
      json(res, 200, {
        id: 'embd-fake',
        object: 'list',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        data,
        usage: { prompt_tokens: prompt, total_tokens: prompt, completion_tokens: 0, prompt_tokens_details: null },
      });
      return;
    }
    json(res, 200, { data, model: body.model, object: 'list', usage: { prompt_tokens: prompt, total_tokens: prompt }, id: 'e198e2e1-fake' });
  }
}

interface ToolTurn {
  text: string;
  call: boolean;
}

function toolTurn(body: Record<string, unknown>): ToolTurn | null {
  const tools = body.tools as Array<{ function?: { name?: string } }> | undefined;
  if (!tools?.some((tool) => tool.function?.name === 'get_weather')) return null;
  const messages = body.messages as Array<{ role: string; content?: unknown }>;
  const last = messages[messages.length - 1];
  if (last?.role === 'tool') return { text: `The tool said: ${String(last.content)}`, call: false };
  return { text: 'Let me check.', call: true };
}
