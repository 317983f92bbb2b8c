import { badField } from '../dialect';
import { DROPPED_TOOLS, IGNORED_FIELDS, IGNORED_INPUT_ITEMS, REFUSED_FIELDS, REFUSED_TOOLS, TRANSLATED_FIELDS } from './responses-field-lists';
import type { ResponsesBody, ResponsesContentPart, ResponsesInputItem, ResponsesTool } from './responses-wire';

type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: string } };

interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ChatContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage: boolean };
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters?: unknown; strict?: boolean } }>;
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
  response_format?: unknown;
  user?: string;
  [key: string]: unknown;
}

export interface TranslatedRequest {
  chat: ChatRequest;
  /** Fields dropped as safe hints, for the `x-tollgate-ignored` header. */
  ignored: string[];
}

const TRANSLATED = new Set(TRANSLATED_FIELDS);
const IGNORED = new Set(IGNORED_FIELDS);
const REFUSED = new Set(REFUSED_FIELDS);
const REFUSED_TOOL_TYPES = new Set(REFUSED_TOOLS);
const DROPPED_TOOL_TYPES = new Set(DROPPED_TOOLS);
const IGNORED_ITEMS = new Set(IGNORED_INPUT_ITEMS);
/** A name fit for a response header (client-controlled keys are only named when they look like field names). */
const HEADER_SAFE = /^[A-Za-z0-9_.[\]=-]{1,64}$/;
const MAX_NAMED = 24;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSet = (value: unknown) => value !== undefined && value !== null && value !== false;

/**
 * Responses → chat completions, for providers without the native endpoint. Text, instructions
 * and developer/system messages, images, function tools, function calls and their outputs are
 * translated; safe hints are dropped and named; anything else is refused with a 400 naming it.
 */
export function responsesToChat(body: ResponsesBody): TranslatedRequest {
  const ignored = new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    if (TRANSLATED.has(key)) continue;
    if (REFUSED.has(key)) {
      if (isSet(value)) throw badField(key, refusalMessage(key));
      continue;
    }
    if (value === undefined || value === null) continue;
    ignored.add(IGNORED.has(key) || HEADER_SAFE.test(key) ? key : 'unknown-field');
  }

  const messages: ChatMessage[] = [];
  if (typeof body.instructions === 'string' && body.instructions.length > 0) messages.push({ role: 'system', content: body.instructions });
  if (typeof body.input === 'string') messages.push({ role: 'user', content: body.input });
  else body.input.forEach((item, i) => addItem(messages, item, i, ignored));
  foldLeadingSystemMessages(messages);

  const chat: ChatRequest = { model: body.model, messages };
  if (body.stream === true) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  if (typeof body.max_output_tokens === 'number') chat.max_tokens = body.max_output_tokens;
  if (typeof body.temperature === 'number') chat.temperature = body.temperature;
  if (typeof body.top_p === 'number') chat.top_p = body.top_p;
  if (typeof body.user === 'string') chat.user = body.user;
  const tools = translateTools(body.tools ?? [], ignored);
  if (tools.length > 0) {
    chat.tools = tools;
    if (typeof body.parallel_tool_calls === 'boolean') chat.parallel_tool_calls = body.parallel_tool_calls;
  } else if (body.parallel_tool_calls !== undefined && body.parallel_tool_calls !== null) ignored.add('parallel_tool_calls');
  const toolChoice = translateToolChoice(body.tool_choice, tools.length > 0);
  if (toolChoice !== undefined) chat.tool_choice = toolChoice;
  else if (body.tool_choice !== undefined && body.tool_choice !== null) ignored.add('tool_choice');
  const format = translateTextFormat(body.text, ignored);
  if (format) chat.response_format = format;
  return { chat, ignored: [...ignored].slice(0, MAX_NAMED) };
}

/**
 * Instructions and the developer messages before the conversation (Codex sends several) become
 * one system message: some providers' chat templates accept a system message only first.
 */
function foldLeadingSystemMessages(messages: ChatMessage[]): void {
  let count = 0;
  while (messages[count]?.role === 'system') count++;
  if (count < 2) return;
  const leading = messages.splice(0, count) as Array<{ role: 'system'; content: string }>;
  messages.unshift({ role: 'system', content: leading.map((message) => message.content).join('\n\n') });
}

function refusalMessage(field: string): string {
  switch (field) {
    case 'previous_response_id':
    case 'conversation':
      return `\`${field}\` needs stored responses, which this model's provider does not keep: send the whole conversation in \`input\` (with \`store: false\`).`;
    case 'prompt':
      return '`prompt` (stored prompt templates) is not supported for this model: send the text in `instructions` and `input`.';
    default:
      return `\`${field}\` is not supported for this model.`;
  }
}

function addItem(messages: ChatMessage[], item: ResponsesInputItem, i: number, ignored: Set<string>): void {
  const type = item.type ?? 'message';
  switch (type) {
    case 'message': {
      addMessage(messages, item, `input[${i}]`);
      return;
    }
    case 'function_call': {
      if (typeof item.call_id !== 'string' || typeof item.name !== 'string') {
        throw badField(`input[${i}]`, `\`input[${i}]\`: a function_call needs a string \`call_id\` and \`name\`.`);
      }
      const call: ChatToolCall = {
        id: item.call_id,
        type: 'function',
        function: { name: item.name, arguments: typeof item.arguments === 'string' ? item.arguments : JSON.stringify(item.arguments ?? {}) },
      };
      // Consecutive calls (and the assistant text just before them) form one assistant turn.
      const last = messages.at(-1);
      if (last?.role === 'assistant') (last.tool_calls ??= []).push(call);
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      return;
    }
    case 'function_call_output': {
      if (typeof item.call_id !== 'string') throw badField(`input[${i}].call_id`, `\`input[${i}].call_id\` must be a string.`);
      messages.push({ role: 'tool', tool_call_id: item.call_id, content: outputText(item.output, `input[${i}].output`, ignored) });
      return;
    }
    case 'item_reference':
      throw badField(`input[${i}]`, `\`input[${i}]\`: item references need stored responses, which this model's provider does not keep; send the item itself.`);
    default:
      if (IGNORED_ITEMS.has(type)) {
        ignored.add(`input[type=${type}]`);
        return;
      }
      throw badField(`input[${i}].type`, `\`input[${i}].type\` \`${safeName(type)}\` cannot be translated to chat completions for this model.`);
  }
}

function addMessage(messages: ChatMessage[], item: ResponsesInputItem, at: string): void {
  const role = item.role;
  const parts = typeof item.content === 'string' ? [{ type: 'input_text', text: item.content }] : item.content;
  if (!Array.isArray(parts)) throw badField(`${at}.content`, `\`${at}.content\` must be a string or an array of content parts.`);
  if (role === 'system' || role === 'developer') {
    messages.push({ role: 'system', content: partsText(parts, at) });
  } else if (role === 'assistant') {
    const text = partsText(parts, at);
    messages.push({ role: 'assistant', content: text });
  } else if (role === 'user') {
    const content = parts.map((part, j) => userPart(part, `${at}.content[${j}]`));
    const textOnly = content.every((part) => part.type === 'text');
    messages.push({ role: 'user', content: textOnly ? content.map((part) => (part as { text: string }).text).join('') : content });
  } else {
    throw badField(`${at}.role`, `\`${at}.role\` must be one of user, assistant, system or developer.`);
  }
}

function userPart(part: ResponsesContentPart, at: string): ChatContentPart {
  if (!isObject(part)) throw badField(at, `\`${at}\` must be an object.`);
  if ((part.type === 'input_text' || part.type === 'output_text') && typeof part.text === 'string') return { type: 'text', text: part.text };
  if (part.type === 'input_image') {
    if (typeof part.image_url !== 'string') {
      throw badField(
        part.file_id ? `${at}.file_id` : `${at}.image_url`,
        `\`${at}\`: images must be given by \`image_url\` (a URL or data URL) for this model; uploaded files (\`file_id\`) are not available.`,
      );
    }
    const detail = typeof part.detail === 'string' && part.detail !== 'auto' ? { detail: part.detail } : {};
    return { type: 'image_url', image_url: { url: part.image_url, ...detail } };
  }
  throw badField(`${at}.type`, `\`${at}.type\` \`${safeName(part.type)}\` cannot be translated to chat completions for this model.`);
}

/** Text of system, developer and assistant content (chat completions takes plain text there). */
function partsText(parts: ResponsesContentPart[], at: string): string {
  return parts
    .map((part, j) => {
      if (!isObject(part)) throw badField(`${at}.content[${j}]`, `\`${at}.content[${j}]\` must be an object.`);
      if (typeof part.text === 'string') return part.text;
      if (part.type === 'refusal' && typeof part.refusal === 'string') return part.refusal;
      throw badField(`${at}.content[${j}].type`, `\`${at}.content[${j}].type\` \`${safeName(part.type)}\` is only accepted in user messages.`);
    })
    .join('');
}

/** A tool output as chat text; images and files in it (Codex's view_image) are dropped and named. */
function outputText(output: unknown, at: string, ignored: Set<string>): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) {
    return output
      .map((part, j) => {
        if (isObject(part) && typeof part.text === 'string') return part.text;
        if (isObject(part) && (part.type === 'input_image' || part.type === 'input_file')) {
          ignored.add(`function_call_output.output[type=${part.type}]`);
          return '';
        }
        throw badField(`${at}[${j}]`, `\`${at}[${j}]\` must be a text, image or file part.`);
      })
      .join('');
  }
  throw badField(at, `\`${at}\` must be a string or an array of content parts.`);
}

function translateTools(tools: ResponsesTool[], ignored: Set<string>): NonNullable<ChatRequest['tools']> {
  const out: NonNullable<ChatRequest['tools']> = [];
  tools.forEach((tool, i) => {
    if (tool.type === 'function') {
      const fn: { name: string; description?: string; parameters?: unknown; strict?: boolean } = { name: tool.name as string };
      if (typeof tool.description === 'string') fn.description = tool.description;
      if (tool.parameters !== undefined && tool.parameters !== null) fn.parameters = tool.parameters;
      if (tool.strict === true) fn.strict = true;
      out.push({ type: 'function', function: fn });
    } else if (DROPPED_TOOL_TYPES.has(tool.type)) {
      ignored.add(`tools[type=${tool.type}]`);
    } else if (REFUSED_TOOL_TYPES.has(tool.type)) {
      throw badField(
        `tools[${i}].type`,
        `\`tools[${i}]\`: the \`${tool.type}\` tool cannot be served for this model (it is translated to chat completions, which has function tools only).`,
      );
    } else {
      throw badField(`tools[${i}].type`, `\`tools[${i}].type\` \`${safeName(tool.type)}\` is not supported for this model; use function tools.`);
    }
  });
  return out;
}

function translateToolChoice(choice: unknown, haveTools: boolean): unknown {
  if (choice === undefined || choice === null || !haveTools) return undefined;
  if (choice === 'auto' || choice === 'none' || choice === 'required') return choice;
  if (isObject(choice) && choice.type === 'function' && typeof choice.name === 'string') return { type: 'function', function: { name: choice.name } };
  throw badField('tool_choice', '`tool_choice` must be auto, none, required or a function tool for this model.');
}

function translateTextFormat(text: ResponsesBody['text'], ignored: Set<string>): unknown {
  if (!text) return undefined;
  for (const key of Object.keys(text))
    if (key !== 'format' && text[key] !== undefined && text[key] !== null) ignored.add(`text.${HEADER_SAFE.test(key) ? key : 'unknown'}`);
  const format = text.format;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type === 'json_schema') {
    const { type: _type, ...schema } = format;
    return { type: 'json_schema', json_schema: schema };
  }
  throw badField('text.format.type', '`text.format.type` must be text, json_object or json_schema.');
}

function safeName(value: string): string {
  return HEADER_SAFE.test(value) ? value : 'unknown';
}
