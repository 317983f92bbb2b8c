import { badField, DialectRequestError, ParsedRequest, TranslatedRequest } from '../dialect';
import { wireText } from '../../wire-text';

/** Request fields translated to chat completions. */
const TRANSLATED_FIELDS = [
  'model',
  'messages',
  'system',
  'max_tokens',
  'stream',
  'temperature',
  'top_p',
  'stop_sequences',
  'tools',
  'tool_choice',
  'metadata',
] as const;
/** Fields that need Anthropic's server: refused with a 400 naming the field. */
const REFUSED_FIELDS = ['mcp_servers', 'container'] as const;

const TRANSLATED = new Set<string>(TRANSLATED_FIELDS);
const REFUSED = new Set<string>(REFUSED_FIELDS);

type Block = Record<string, unknown> & { type?: unknown };
/** An array element as read off the wire: a client may send `null` where a block belongs. */
type WireBlock = Block | null | undefined;
type ChatMessage = Record<string, unknown>;

/**
 * Anthropic Messages request → chat-completions request: system prompt, text, images (base64
 * and URL), tools and tool_choice, tool_use / tool_result turns. Unknown fields (Claude Code's
 * beta fields among them) are hints: dropped and named; server-side features are refused.
 */
export function messagesToChat(request: ParsedRequest): TranslatedRequest {
  const body = request.body;
  const ignored = new Set<string>();
  for (const field of Object.keys(body)) {
    if (REFUSED.has(field))
      throw badField(field, `\`${field}\` needs a provider that serves the Messages API natively; this model's provider is reached through translation.`);
    if (!TRANSLATED.has(field)) ignored.add(field);
  }
  const messages: ChatMessage[] = [];
  const system = systemText(body.system);
  if (system) messages.push({ role: 'system', content: system });
  (body.messages as Array<{ role: string; content: unknown }>).forEach((message, i) => {
    if (message.role === 'assistant') messages.push(assistantMessage(message.content, i, ignored));
    else messages.push(...userMessages(message.content, i, ignored));
  });
  const chat: Record<string, unknown> = { model: body.model, messages, max_tokens: body.max_tokens };
  if (request.stream) chat.stream = true;
  if (body.temperature !== undefined) chat.temperature = body.temperature;
  if (body.top_p !== undefined) chat.top_p = body.top_p;
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length > 0) chat.stop = body.stop_sequences;
  if (Array.isArray(body.tools) && body.tools.length > 0) chat.tools = body.tools.map(toolOf);
  const toolChoice = toolChoiceOf(body.tool_choice);
  if (toolChoice.choice !== undefined) chat.tool_choice = toolChoice.choice;
  if (toolChoice.parallel === false) chat.parallel_tool_calls = false;
  const userId = (body.metadata as { user_id?: unknown } | undefined)?.user_id;
  if (typeof userId === 'string') chat.user = userId;
  return { body: chat, ignored: [...ignored] };
}

function systemText(system: unknown): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return system
    .map((block: WireBlock, i) => {
      if (block?.type !== 'text' || typeof block.text !== 'string') throw badField(`system[${i}]`, `\`system[${i}]\` must be a text block.`);
      return block.text;
    })
    .join('\n\n');
}

function blocksOf(content: unknown): WireBlock[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : (content as WireBlock[]);
}

/** A user turn: its tool results become `tool` messages (first, right after the assistant's calls), the rest one user message. */
function userMessages(content: unknown, i: number, ignored: Set<string>): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const tools: ChatMessage[] = [];
  const parts: Array<Record<string, unknown>> = [];
  blocksOf(content).forEach((block, j) => {
    const at = `messages[${i}].content[${j}]`;
    if (block?.cache_control !== undefined) ignored.add('cache_control');
    switch (block?.type) {
      case 'text':
        parts.push({ type: 'text', text: wireText(block.text ?? '') });
        break;
      case 'image':
        parts.push({ type: 'image_url', image_url: { url: imageUrl(block, at) } });
        break;
      case 'tool_result':
        tools.push({ role: 'tool', tool_call_id: wireText(block.tool_use_id ?? ''), content: toolResultText(block, at) });
        break;
      default:
        throw unsupportedBlock(block, at);
    }
  });
  const out = [...tools];
  if (parts.length > 0) {
    const textOnly = parts.every((part) => part.type === 'text');
    out.push({ role: 'user', content: textOnly ? parts.map((part) => part.text).join('\n') : parts });
  }
  return out;
}

function assistantMessage(content: unknown, i: number, ignored: Set<string>): ChatMessage {
  let text = '';
  const toolCalls: Array<Record<string, unknown>> = [];
  blocksOf(content).forEach((block, j) => {
    const at = `messages[${i}].content[${j}]`;
    switch (block?.type) {
      case 'text':
        text += wireText(block.text ?? '');
        break;
      case 'tool_use':
        toolCalls.push({
          id: wireText(block.id ?? ''),
          type: 'function',
          function: { name: wireText(block.name ?? ''), arguments: JSON.stringify(block.input ?? {}) },
        });
        break;
      case 'thinking':
      case 'redacted_thinking':
        ignored.add('thinking blocks');
        break;
      default:
        throw unsupportedBlock(block, at);
    }
  });
  const message: ChatMessage = { role: 'assistant', content: text || (toolCalls.length > 0 ? null : '') };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}

function imageUrl(block: Block, at: string): string {
  const source = block.source as { type?: unknown; media_type?: unknown; data?: unknown; url?: unknown } | undefined;
  if (source?.type === 'base64' && typeof source.data === 'string') return `data:${wireText(source.media_type ?? 'image/png')};base64,${source.data}`;
  if (source?.type === 'url' && typeof source.url === 'string') return source.url;
  throw badField(`${at}.source`, `\`${at}.source\` must be a base64 or URL image source.`);
}

function toolResultText(block: Block, at: string): string {
  const prefix = block.is_error === true ? 'Error: ' : '';
  if (typeof block.content === 'string') return prefix + block.content;
  if (block.content === undefined || block.content === null) return prefix;
  if (!Array.isArray(block.content)) throw badField(`${at}.content`, `\`${at}.content\` must be a string or an array of text blocks.`);
  return (
    prefix +
    (block.content as WireBlock[])
      .map((part, k) => {
        if (part?.type !== 'text')
          throw badField(
            `${at}.content[${k}]`,
            `\`${at}.content[${k}]\`: only text can be returned from a tool through translation (got \`${String(part?.type)}\`).`,
          );
        return wireText(part.text ?? '');
      })
      .join('\n')
  );
}

function toolOf(tool: WireBlock, i: number): Record<string, unknown> {
  if (tool?.type !== undefined && tool.type !== 'custom') {
    throw badField(
      `tools[${i}].type`,
      `\`tools[${i}]\` is a server tool (\`${wireText(tool.type)}\`), which needs a provider that serves the Messages API natively.`,
    );
  }
  if (typeof tool?.name !== 'string') throw badField(`tools[${i}].name`, `\`tools[${i}].name\` must be a string.`);
  const fn: Record<string, unknown> = { name: tool.name, parameters: tool.input_schema ?? { type: 'object', properties: {} } };
  if (typeof tool.description === 'string') fn.description = tool.description;
  return { type: 'function', function: fn };
}

function toolChoiceOf(choice: unknown): { choice?: unknown; parallel?: boolean } {
  if (choice === undefined || choice === null) return {};
  const record = choice as { type?: unknown; name?: unknown; disable_parallel_tool_use?: unknown };
  const parallel = record.disable_parallel_tool_use === true ? false : undefined;
  switch (record.type) {
    case 'auto':
      return { choice: 'auto', parallel };
    case 'any':
      return { choice: 'required', parallel };
    case 'none':
      return { choice: 'none' };
    case 'tool':
      if (typeof record.name !== 'string') throw badField('tool_choice.name', '`tool_choice.name` must be a string.');
      return { choice: { type: 'function', function: { name: record.name } }, parallel };
    default:
      throw badField('tool_choice.type', '`tool_choice.type` must be auto, any, tool or none.');
  }
}

function unsupportedBlock(block: WireBlock, at: string): DialectRequestError {
  return badField(`${at}.type`, `\`${at}\`: content blocks of type \`${String(block?.type)}\` cannot be translated to chat completions.`);
}
