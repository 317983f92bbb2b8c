import type { Dispatcher } from 'undici';

/** What the proxy reads of an upstream answer: status, headers, and a body it can read once. */
export interface UpstreamResponse {
  statusCode: number;
  headers: Dispatcher.ResponseData['headers'];
  body: { arrayBuffer(): Promise<ArrayBuffer>; dump(): Promise<void>; [Symbol.asyncIterator](): AsyncIterator<Buffer> };
}

/** Reads at most `limit` bytes of a body and discards the rest (error answers only). */
export async function readBounded(body: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < limit) {
      chunks.push(chunk.subarray(0, limit - size));
      size += Math.min(chunk.length, limit - size);
    }
  }
  return Buffer.concat(chunks);
}

/** An upstream answer whose (error) body was already read, for the proxy to relay as it is. */
export function bufferedResponse(response: Pick<Dispatcher.ResponseData, 'statusCode' | 'headers'>, payload: Buffer): UpstreamResponse {
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    body: {
      arrayBuffer: () => Promise.resolve(payload.buffer.slice(payload.byteOffset, payload.byteOffset + payload.byteLength) as ArrayBuffer),
      dump: () => Promise.resolve(),
      async *[Symbol.asyncIterator]() {
        if (payload.length > 0) yield payload;
      },
    },
  };
}
