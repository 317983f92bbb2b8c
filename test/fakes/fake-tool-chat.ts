import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeProvider } from '../support/fake-provider';
import { fakePromptTokens } from '../support/fake-wire';

/**
 * Function calling on a fake provider's chat completions endpoint (the target of translated
 * Responses calls), as OpenAI-compatible providers stream it: a request offering tools whose
 * last message is not a tool result is answered with one call (`tool_calls` deltas: id and name
 * first, then the arguments in pieces, `finish_reason: "tool_calls"`); a request whose last
 * message is a tool result is answered with text quoting it. Requests without tools go to the
 * fake's own chat handler. Usage as the fake's: prompt = words + 3 per message, completion 9.
 */
export interface ToolChatOptions {
  /** The tool to call (default: the first one offered) and its arguments. */
  name?: string;
  arguments?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
type Handler = (req: IncomingMessage, res: ServerResponse, body: unknown) => void;

const COMPLETION_TOKENS = 9;

export function installToolChat(fake: FakeProvider, options: ToolChatOptions = {}): void {
  const path = fake.kind === 'dashscope' ? '/compatible-mode/v1/chat/completions' : '/v1/chat/completions';
  // The fake's own handler, for calls without tools.
  const original = (fake as unknown as { routes: Map<string, Handler> }).routes.get(`POST ${path}`)!;
  fake.on('POST', path, (req, res, raw) => {
    const body = raw as Json;
    const tools: Json[] = Array.isArray(body?.tools) ? body.tools : [];
    if (tools.length === 0) {
      original(req, res, raw);
      return;
    }
    const messages: Json[] = body.messages;
    const last = messages[messages.length - 1];
    const prompt = fakePromptTokens(messages);
    const usage = { prompt_tokens: prompt, completion_tokens: COMPLETION_TOKENS, total_tokens: prompt + COMPLETION_TOKENS };
    const id = `chatcmpl-${Math.random().toString(16).slice(2)}`;
    const call =
      last?.role === 'tool'
        ? null
        : { id: `call_${id.slice(8, 20)}`, name: options.name ?? tools[0].function.name, arguments: options.arguments ?? '{"city":"Paris"}' };
    const text = call ? null : `The tool said: ${String(last.content)}`;
    if (body.stream !== true) {
      const message = call
        ? { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }] }
        : { role: 'assistant', content: text };
      const payload = JSON.stringify({
        id,
        object: 'chat.completion',
        created: 0,
        model: body.model,
        choices: [{ index: 0, message, finish_reason: call ? 'tool_calls' : 'stop' }],
        usage,
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(payload);
    }
    const chunk = (delta: Json, finish: string | null, chunkUsage: Json = null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }], usage: chunkUsage })}\n\n`;
    const events: string[] = [];
    if (call) {
      const half = Math.ceil(call.arguments.length / 2);
      events.push(
        chunk(
          { role: 'assistant', content: null, tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] },
          null,
        ),
      );
      events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: call.arguments.slice(0, half) } }] }, null));
      events.push(chunk({ tool_calls: [{ index: 0, function: { arguments: call.arguments.slice(half) } }] }, null));
      events.push(chunk({}, 'tool_calls', fake.kind === 'huawei-maas' ? usage : null));
    } else {
      events.push(chunk({ role: 'assistant', content: text!.slice(0, 10) }, null));
      events.push(chunk({ content: text!.slice(10) }, null));
      events.push(chunk({}, 'stop', fake.kind === 'huawei-maas' ? usage : null));
    }
    if (fake.kind !== 'huawei-maas' && body.stream_options?.include_usage === true) {
      events.push(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: body.model, choices: [], usage })}\n\n`);
    }
    events.push('data: [DONE]\n\n');
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i >= events.length) return void res.end();
      res.write(events[i++]);
      setImmediate(next);
    };
    next();
  });
}

export const TOOL_CHAT_COMPLETION_TOKENS = COMPLETION_TOKENS;
