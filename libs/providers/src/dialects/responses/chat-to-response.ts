import { randomUUID } from 'node:crypto';
import { readUsage, TokenUsage } from '../../usage';
import type { OutputItem, ResponseObject, ResponsesBody, ResponsesUsage, ResponseStatus } from './responses-wire';

/** `prefix_` and 32 hex digits; randomUUID draws from Node's pooled entropy, not a syscall per id. */
export const newId = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '')}`;

/** What a response echoes of its request: at least the model name the client asked for. */
export type ResponseEcho = Partial<ResponsesBody> & { model: string };

/** The response object around the output, echoing the request as OpenAI does. */
export function responseEnvelope(body: ResponseEcho, id: string, createdAt: number, status: ResponseStatus): ResponseObject {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status,
    error: null,
    incomplete_details: null,
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    max_output_tokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : null,
    model: body.model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls !== false,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: typeof body.temperature === 'number' ? body.temperature : null,
    text: { format: body.text?.format && typeof body.text.format === 'object' ? body.text.format : { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools.filter((tool) => tool.type === 'function') : [],
    top_p: typeof body.top_p === 'number' ? body.top_p : null,
    truncation: 'disabled',
    usage: null,
    user: typeof body.user === 'string' ? body.user : null,
    metadata: {},
  };
}

/** A chat `finish_reason` as the response's status and `incomplete_details`. */
export function statusFor(finishReason: unknown): { status: ResponseStatus; incomplete: { reason: string } | null } {
  if (finishReason === 'length') return { status: 'incomplete', incomplete: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter') return { status: 'incomplete', incomplete: { reason: 'content_filter' } };
  return { status: 'completed', incomplete: null };
}

interface ChatCompletion {
  choices?: Array<{
    finish_reason?: unknown;
    message?: {
      content?: unknown;
      refusal?: unknown;
      reasoning_content?: unknown;
      tool_calls?: Array<{ id?: unknown; function?: { name?: unknown; arguments?: unknown } }> | null;
    };
  }>;
  usage?: unknown;
}

/** A (non-streamed) chat completion as a Responses response object. */
export function chatToResponse(completion: unknown, body: ResponseEcho, id = newId('resp'), createdAt = Math.floor(Date.now() / 1000)): ResponseObject {
  const chat = (typeof completion === 'object' && completion !== null ? completion : {}) as ChatCompletion;
  const choice = chat.choices?.[0];
  const message = choice?.message ?? {};
  const output: OutputItem[] = [];
  if (typeof message.reasoning_content === 'string' && message.reasoning_content.length > 0) {
    output.push({ id: newId('rs'), type: 'reasoning', summary: [{ type: 'summary_text', text: message.reasoning_content }] });
  }
  const content: Array<{ type: 'output_text'; text: string; annotations: unknown[]; logprobs: unknown[] } | { type: 'refusal'; refusal: string }> = [];
  if (typeof message.content === 'string' && message.content.length > 0)
    content.push({ type: 'output_text', text: message.content, annotations: [], logprobs: [] });
  if (typeof message.refusal === 'string' && message.refusal.length > 0) content.push({ type: 'refusal', refusal: message.refusal });
  if (content.length > 0) output.push({ id: newId('msg'), type: 'message', status: 'completed', role: 'assistant', content });
  for (const call of message.tool_calls ?? []) {
    output.push({
      id: newId('fc'),
      type: 'function_call',
      status: 'completed',
      call_id: typeof call.id === 'string' ? call.id : newId('call'),
      name: typeof call.function?.name === 'string' ? call.function.name : '',
      arguments: typeof call.function?.arguments === 'string' ? call.function.arguments : '',
    });
  }
  const { status, incomplete } = statusFor(choice?.finish_reason);
  const response = responseEnvelope(body, id, createdAt, status);
  response.incomplete_details = incomplete;
  response.output = output;
  const usage = readUsage(chat.usage);
  response.usage = usage ? toResponsesUsage(usage) : null;
  return response;
}

/** The gateway's counts as a Responses `usage` object (for translated answers). */
export function toResponsesUsage(usage: TokenUsage): ResponsesUsage {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.totalTokens || usage.promptTokens + usage.completionTokens,
  };
}
