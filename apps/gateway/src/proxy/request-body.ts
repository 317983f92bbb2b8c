import type { IncomingMessage } from 'node:http';
import type { ProviderOperation } from '@app/providers';
import { checkModelName } from '@app/usage';
import { GatewayError, invalidRequest } from './gateway-error';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const FORBIDDEN_KEYS = /"(__proto__|constructor|prototype)"\s*:/;

/** The fields of a chat or embeddings body the gateway reads; everything else passes through untouched. */
export interface ChatBody {
  model: string;
  messages: unknown[];
  stream?: boolean;
  max_tokens?: number;
  max_completion_tokens?: number;
  stream_options?: { include_usage?: boolean; [key: string]: unknown };
  [key: string]: unknown;
}

export interface EmbeddingsBody {
  model: string;
  input: string | unknown[];
  [key: string]: unknown;
}

export type ParsedBody = ChatBody | EmbeddingsBody;

/** Reads the raw body with a size limit; 413 as soon as the limit is crossed (the rest is drained). */
export function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/** Parses once and checks only what the gateway relies on, naming the field that is wrong. */
export function parseBody(raw: Buffer, operation: ProviderOperation): ParsedBody {
  if (raw.length === 0) throw invalidRequest('The request body is empty; send a JSON object.');
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw invalidRequest('The request body is not valid UTF-8.');
  }
  if (FORBIDDEN_KEYS.test(text)) throw invalidRequest('The request body uses a reserved key (__proto__, constructor or prototype).');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw invalidRequest(`The request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidRequest('The request body must be a JSON object.');
  const record = body as Record<string, unknown>;
  const model = checkModelName(record.model);
  if (!model.ok) throw invalidRequest(model.problem, 'model');
  return operation === 'chat.completions' ? checkChat(record) : checkEmbeddings(record);
}

function checkChat(body: Record<string, unknown>): ChatBody {
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) throw invalidRequest('`messages` must be a non-empty array.', 'messages');
  messages.forEach((message, i) => {
    if (typeof message !== 'object' || message === null || typeof (message as { role?: unknown }).role !== 'string') {
      throw invalidRequest(`\`messages[${i}]\` must be an object with a string \`role\`.`, `messages[${i}]`);
    }
  });
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw invalidRequest('`stream` must be a boolean.', 'stream');
  }
  for (const field of ['max_tokens', 'max_completion_tokens'] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && !(Number.isInteger(value) && (value as number) > 0)) {
      throw invalidRequest(`\`${field}\` must be a positive integer.`, field);
    }
  }
  const options = body.stream_options;
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
    throw invalidRequest('`stream_options` must be an object.', 'stream_options');
  }
  return body as ChatBody;
}

function checkEmbeddings(body: Record<string, unknown>): EmbeddingsBody {
  const input = body.input;
  const ok = typeof input === 'string' ? input.length > 0 : Array.isArray(input) && input.length > 0;
  if (!ok) throw invalidRequest('`input` must be a non-empty string or array.', 'input');
  return body as EmbeddingsBody;
}

/** Serialises the (possibly rewritten) body once; absurd nesting becomes a 400, not a crash. */
export function serialiseBody(body: ParsedBody): string {
  try {
    return JSON.stringify(body);
  } catch {
    throw invalidRequest('The request body is nested too deeply.');
  }
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(413, 'request_too_large', `The request body exceeds the gateway's limit of ${maxBytes} bytes.`);
}
