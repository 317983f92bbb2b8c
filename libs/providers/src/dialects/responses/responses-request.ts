import { badField, TokenCounter } from '../dialect';
import type { ResponsesBody } from './responses-wire';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSet = (value: unknown) => value !== undefined && value !== null && value !== false;

/**
 * Checks the fields of a Responses body the gateway relies on (the JSON is already parsed and
 * `model` checked), naming the field that is wrong. Fields are classified later, per path.
 */
export function checkResponsesBody(body: Record<string, unknown>): ResponsesBody {
  const input = body.input;
  if (typeof input === 'string') {
    if (input.length === 0) throw badField('input', '`input` must not be empty.');
  } else if (Array.isArray(input)) {
    if (input.length === 0) throw badField('input', '`input` must be a non-empty string or array of items.');
    input.forEach((item, i) => {
      if (!isObject(item)) throw badField(`input[${i}]`, `\`input[${i}]\` must be an object.`);
      if (item.type !== undefined && typeof item.type !== 'string') throw badField(`input[${i}].type`, `\`input[${i}].type\` must be a string.`);
      if (item.type === undefined && typeof item.role !== 'string') throw badField(`input[${i}]`, `\`input[${i}]\` needs a \`type\` or a \`role\`.`);
    });
  } else {
    throw badField('input', '`input` is required: a string or an array of input items.');
  }
  if (isSet(body.stream) && body.stream !== true) throw badField('stream', '`stream` must be a boolean.');
  if (body.instructions !== undefined && body.instructions !== null && typeof body.instructions !== 'string') {
    throw badField('instructions', '`instructions` must be a string.');
  }
  const max = body.max_output_tokens;
  if (max !== undefined && max !== null && !(Number.isInteger(max) && (max as number) > 0)) {
    throw badField('max_output_tokens', '`max_output_tokens` must be a positive integer.');
  }
  for (const field of ['temperature', 'top_p'] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && typeof value !== 'number') throw badField(field, `\`${field}\` must be a number.`);
  }
  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) throw badField('tools', '`tools` must be an array.');
    body.tools.forEach((tool, i) => {
      if (!isObject(tool) || typeof tool.type !== 'string') throw badField(`tools[${i}]`, `\`tools[${i}]\` must be an object with a string \`type\`.`);
      if (tool.type === 'function' && (typeof tool.name !== 'string' || tool.name.length === 0)) {
        throw badField(`tools[${i}].name`, `\`tools[${i}].name\` is required for a function tool.`);
      }
    });
  }
  for (const field of ['reasoning', 'text'] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && !isObject(value)) throw badField(field, `\`${field}\` must be an object.`);
  }
  // Served by neither path: the gateway keeps no responses to poll (`GET /v1/responses/{id}`).
  if (isSet(body.background))
    throw badField('background', '`background` is not supported: the gateway keeps no responses to poll; send the request without it.');
  return body as ResponsesBody;
}

/** Prompt tokens of a Responses request, estimated locally (text of instructions and every input item). */
export function estimateResponsesPromptTokens(body: ResponsesBody, countTextTokens: TokenCounter): number {
  let total = 3;
  if (typeof body.instructions === 'string') total += 4 + countTextTokens(body.instructions);
  // Tool definitions are part of the prompt (Codex sends some 40 kB of them).
  if (Array.isArray(body.tools) && body.tools.length > 0) total += countTextTokens(JSON.stringify(body.tools));
  if (typeof body.input === 'string') return total + 4 + countTextTokens(body.input);
  for (const item of body.input) {
    total += 4;
    for (const text of textsOf(item)) total += countTextTokens(text);
  }
  return total;
}

function textsOf(item: unknown): string[] {
  if (!isObject(item)) return [];
  const texts: string[] = [];
  const take = (value: unknown) => {
    if (typeof value === 'string') texts.push(value);
  };
  if (typeof item.content === 'string') take(item.content);
  else if (Array.isArray(item.content)) for (const part of item.content) if (isObject(part)) take(part.text ?? part.refusal);
  take(item.arguments);
  take(item.name);
  if (typeof item.output === 'string') take(item.output);
  else if (Array.isArray(item.output)) for (const part of item.output) if (isObject(part)) take(part.text);
  return texts;
}
