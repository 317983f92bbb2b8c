import { badField, TokenCounter } from './dialect';

/** Per-message framing overhead, as OpenAI documents for chat formats. */
const TOKENS_PER_MESSAGE = 4;

export function checkStream(body: Record<string, unknown>): boolean {
  const stream = body.stream;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') throw badField('stream', '`stream` must be a boolean.');
  return stream === true;
}

/** A positive integer field, or undefined when absent. */
export function positiveInteger(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!(Number.isInteger(value) && (value as number) > 0)) throw badField(field, `\`${field}\` must be a positive integer.`);
  return value as number;
}

export function checkObject(body: Record<string, unknown>, field: string): void {
  const value = body[field];
  if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
    throw badField(field, `\`${field}\` must be an object.`);
  }
}

/** Tokens of the text parts of a content value (a string, or an array of parts with `text`). */
export function countContent(content: unknown, count: TokenCounter): number {
  if (typeof content === 'string') return count(content);
  let total = 0;
  if (Array.isArray(content)) {
    for (const part of content) {
      const text = (part as { text?: unknown } | null)?.text;
      if (typeof text === 'string') total += count(text);
    }
  }
  return total;
}

/** Prompt tokens of a chat-style `messages` array (text parts only; images are not estimated). */
export function countMessages(messages: unknown[], count: TokenCounter): number {
  let total = 3;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE;
    if (typeof message === 'object' && message !== null) total += countContent((message as { content?: unknown }).content, count);
  }
  return total;
}

/** Tokens of an `input`/`prompt` value (a string or an array of strings). */
export function countInput(input: unknown, count: TokenCounter): number {
  if (typeof input === 'string') return count(input);
  if (Array.isArray(input)) return input.reduce<number>((sum, item) => sum + (typeof item === 'string' ? count(item) : 0), 0);
  return 0;
}
