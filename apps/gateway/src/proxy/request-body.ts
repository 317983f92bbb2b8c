import type { IncomingMessage } from 'node:http';
import { checkModelName } from '@app/usage';
import { GatewayError, invalidRequest } from './gateway-error';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const FORBIDDEN_KEYS = /"(__proto__|constructor|prototype)"\s*:/;

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

/**
 * Parses once and checks what every dialect relies on (a JSON object with a string `model`); the
 * dialect checks the rest, naming the field that is wrong.
 */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  return decodeJsonObject(raw).body;
}

/** {@link parseJsonObject}, keeping the decoded text (sent on as it is when nothing needs changing). */
export function decodeJsonObject(raw: Buffer): { body: Record<string, unknown>; text: string } {
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
  return { body: record, text };
}

/** Serialises the (possibly rewritten) body once; absurd nesting becomes a 400, not a crash. */
export function serialiseBody(body: Record<string, unknown>): string {
  try {
    return JSON.stringify(body);
  } catch {
    throw invalidRequest('The request body is nested too deeply.');
  }
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(413, 'request_too_large', `The request body exceeds the gateway's limit of ${maxBytes} bytes.`);
}
