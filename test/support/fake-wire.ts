import type { ServerResponse } from 'node:http';

/** Small wire helpers of the fake provider: its deterministic token counts and JSON answers. */

interface ChatMessage {
  content?: unknown;
}

/** Prompt tokens the fake reports: whitespace-separated words of every text + 3 per message. */
export function fakePromptTokens(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  return messages.reduce<number>((sum, message: ChatMessage) => sum + 3 + words(textOf(message?.content)), 0);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join(' ');
  return '';
}

/** Whitespace-separated words (the fake counts a word as a token). */
export function words(text: string): number {
  const trimmed = text.trim();
  return trimmed ? trimmed.split(/\s+/).length : 0;
}

/** `text` cut into `parts` pieces (a stream's deltas). */
export function split(text: string, parts: number): string[] {
  const size = Math.ceil(text.length / parts);
  return Array.from({ length: parts }, (_, i) => text.slice(i * size, (i + 1) * size)).filter(Boolean);
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}
