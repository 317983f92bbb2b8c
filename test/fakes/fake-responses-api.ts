import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeProvider } from '../support/fake-provider';

/**
 * The OpenAI Responses API as DashScope (`/compatible-mode/v1/responses`) and OpenAI
 * (`/v1/responses`) serve it natively (shared providers.md §4, §7), installed on a fake
 * provider: the response object, the streamed `response.*` events with `sequence_number`, usage
 * on `response.completed` / `response.incomplete` / `response.failed`, errors in OpenAI's shape.
 *
 * Deterministic counts so tests can assert exact figures:
 * - input_tokens: whitespace-separated words of the instructions and of every text in `input`,
 *   plus 3 per input item (plus 3 for the instructions);
 * - cached_tokens: half of that (rounded down) when the input mentions CACHED;
 * - output_tokens: `outputTokens` (default 11); reasoning_tokens: 4 of them for models named
 *   `*reasoner*`, which also answer with a reasoning item first;
 * - a request offering function tools whose input does not end with a `function_call_output`
 *   is answered with a call of the first tool (`arguments` from `toolArguments`); otherwise the
 *   answer is text (`content`), which echoes the last tool output when there is one.
 */
export interface FakeResponsesOptions {
  content?: string;
  outputTokens?: number;
  toolArguments?: string;
  /** false: always answer with text, even when function tools are offered (default true). */
  callTools?: boolean;
  /** Upstream model names this endpoint does not serve: 404 `model_not_found`, as OpenAI answers. */
  unservedModels?: string[];
  /** `incomplete`: ends as `response.incomplete` (max_output_tokens); `failed`: `response.failed` after the text. */
  ending?: 'completed' | 'incomplete' | 'failed';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export class FakeResponsesApi {
  options: Required<FakeResponsesOptions>;

  private constructor(options: FakeResponsesOptions) {
    this.options = {
      content: 'Hello from the native Responses API.',
      outputTokens: 11,
      toolArguments: '{"city":"Paris"}',
      callTools: true,
      unservedModels: [],
      ending: 'completed',
      ...options,
    };
  }

  /** Serves `POST …/responses` on the fake (the path of its kind). */
  static install(fake: FakeProvider, options: FakeResponsesOptions = {}): FakeResponsesApi {
    const api = new FakeResponsesApi(options);
    const path = fake.kind === 'dashscope' ? '/compatible-mode/v1/responses' : '/v1/responses';
    fake.on('POST', path, (_req: IncomingMessage, res: ServerResponse, body: unknown) => api.respond(fake, res, body as Json));
    return api;
  }

  reset(options: FakeResponsesOptions = {}): void {
    this.options = { ...new FakeResponsesApi(options).options };
  }

  private respond(fake: FakeProvider, res: ServerResponse, body: Json): void {
    if (typeof body !== 'object' || body === null || typeof body.model !== 'string') {
      json(res, 400, {
        error: { message: "Missing required parameter: 'model'.", type: 'invalid_request_error', param: 'model', code: 'missing_required_parameter' },
      });
      return;
    }
    if (this.options.unservedModels.includes(body.model)) {
      json(res, 404, {
        error: {
          message: `The model \`${body.model}\` does not exist or you do not have access to it.`,
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_found',
        },
      });
      return;
    }
    if (body.previous_response_id && !String(body.previous_response_id).startsWith('resp_')) {
      json(res, 400, {
        error: {
          message: `Previous response with id '${body.previous_response_id}' not found.`,
          type: 'invalid_request_error',
          param: 'previous_response_id',
          code: 'previous_response_not_found',
        },
      });
      return;
    }
    const usage = fakeResponsesUsage(body, this.options.outputTokens);
    const reasoner = body.model.includes('reasoner');
    const tool = this.options.callTools ? functionToolToCall(body) : null;
    const id = `resp_${Math.random().toString(16).slice(2)}`;
    const text = tool ? '' : this.answerText(body);
    const output: Json[] = [];
    if (reasoner) output.push({ id: `rs_${id}`, type: 'reasoning', summary: [{ type: 'summary_text', text: 'Thinking it over.' }] });
    if (tool)
      output.push({ id: `fc_${id}`, type: 'function_call', status: 'completed', arguments: this.options.toolArguments, call_id: `call_${id}`, name: tool });
    else output.push({ id: `msg_${id}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] });
    const ending = this.options.ending;
    const response = (status: string, out: Json[], withUsage: boolean) => ({
      id,
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status,
      error: status === 'failed' ? { code: 'server_error', message: 'The model failed mid-answer.' } : null,
      incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
      instructions: body.instructions ?? null,
      max_output_tokens: body.max_output_tokens ?? null,
      model: body.model,
      output: out,
      parallel_tool_calls: true,
      previous_response_id: body.previous_response_id ?? null,
      reasoning: { effort: null, summary: null },
      store: body.store ?? true,
      temperature: 1,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: body.tools ?? [],
      top_p: 1,
      truncation: 'disabled',
      usage: withUsage ? usage : null,
      user: null,
      metadata: {},
    });
    if (body.stream !== true) {
      json(res, 200, response(ending === 'incomplete' ? 'incomplete' : 'completed', output, true));
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const events: string[] = [];
    let seq = 0;
    const event = (type: string, payload: Json) => events.push(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...payload })}\n\n`);
    event('response.created', { response: response('in_progress', [], false) });
    event('response.in_progress', { response: response('in_progress', [], false) });
    output.forEach((item, index) => {
      if (item.type === 'reasoning') {
        event('response.output_item.added', { output_index: index, item: { ...item, summary: [] } });
        event('response.reasoning_summary_part.added', { item_id: item.id, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } });
        event('response.reasoning_summary_text.delta', { item_id: item.id, output_index: index, summary_index: 0, delta: item.summary[0].text });
        event('response.reasoning_summary_text.done', { item_id: item.id, output_index: index, summary_index: 0, text: item.summary[0].text });
        event('response.reasoning_summary_part.done', { item_id: item.id, output_index: index, summary_index: 0, part: item.summary[0] });
      } else if (item.type === 'function_call') {
        event('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', arguments: '' } });
        event('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: item.arguments });
        event('response.function_call_arguments.done', { item_id: item.id, output_index: index, arguments: item.arguments });
      } else {
        event('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', content: [] } });
        event('response.content_part.added', {
          item_id: item.id,
          output_index: index,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [] },
        });
        for (const piece of split(text, 3))
          event('response.output_text.delta', { item_id: item.id, output_index: index, content_index: 0, delta: piece, logprobs: [] });
        event('response.output_text.done', { item_id: item.id, output_index: index, content_index: 0, text, logprobs: [] });
        event('response.content_part.done', { item_id: item.id, output_index: index, content_index: 0, part: item.content[0] });
      }
      event('response.output_item.done', { output_index: index, item });
    });
    const status = ending === 'completed' ? 'completed' : ending;
    event(`response.${status}`, { response: response(status, output, true) });
    // The fake's stream modes apply here too (dying, hanging or slow streams).
    fake.writeStream(res, events);
  }

  private answerText(body: Json): string {
    const items: Json[] = Array.isArray(body.input) ? body.input : [];
    const last = items[items.length - 1];
    if (last?.type === 'function_call_output') return `The tool said: ${typeof last.output === 'string' ? last.output : JSON.stringify(last.output)}`;
    return this.options.content;
  }
}

/** The usage the fake reports for a request (see the class comment). */
export function fakeResponsesUsage(body: Json, outputTokens: number): Json {
  let input = 0;
  if (typeof body.instructions === 'string') input += 3 + words(body.instructions);
  if (typeof body.input === 'string') input += 3 + words(body.input);
  else for (const item of body.input ?? []) input += 3 + words(textsOf(item).join(' '));
  const cached = JSON.stringify(body.input ?? '').includes('CACHED') ? Math.floor(input / 2) : 0;
  const reasoning = String(body.model).includes('reasoner') ? 4 : 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + outputTokens,
  };
}

function functionToolToCall(body: Json): string | null {
  const tools: Json[] = Array.isArray(body.tools) ? body.tools : [];
  const fn = tools.find((tool) => tool?.type === 'function');
  if (!fn) return null;
  const items: Json[] = Array.isArray(body.input) ? body.input : [];
  return items[items.length - 1]?.type === 'function_call_output' ? null : fn.name;
}

function textsOf(item: Json): string[] {
  if (typeof item?.content === 'string') return [item.content];
  const texts: string[] = [];
  for (const part of Array.isArray(item?.content) ? item.content : []) if (typeof part?.text === 'string') texts.push(part.text);
  if (typeof item?.output === 'string') texts.push(item.output);
  if (typeof item?.arguments === 'string') texts.push(item.arguments);
  return texts;
}

function words(text: string): number {
  const trimmed = text.trim();
  return trimmed ? trimmed.split(/\s+/).length : 0;
}

function split(text: string, parts: number): string[] {
  const size = Math.ceil(text.length / parts);
  return Array.from({ length: parts }, (_, i) => text.slice(i * size, (i + 1) * size)).filter(Boolean);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-request-id': 'req_fake_responses' });
  res.end(payload);
}
