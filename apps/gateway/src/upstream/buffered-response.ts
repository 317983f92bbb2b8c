/** A provider answer's body, read once: whole, chunk by chunk, or dumped unread. */
export interface UpstreamBody {
  buffer(): Promise<Buffer>;
  dump(): Promise<void>;
  [Symbol.asyncIterator](): AsyncIterator<Buffer>;
  /**
   * The answer has ended: whatever the reader has not taken yet is already here, nothing more
   * will come (so the rest can be written to the client together with the end of the response).
   */
  readonly complete: boolean;
}

/** What the proxy reads of an upstream answer: status, headers (lower-case names), and its body. */
export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: UpstreamBody;
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
export function bufferedResponse(response: Pick<UpstreamResponse, 'statusCode' | 'headers'>, payload: Buffer): UpstreamResponse {
  let taken = payload.length === 0;
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    body: {
      buffer: () => Promise.resolve(payload),
      dump: () => Promise.resolve(),
      // One chunk (none when empty); no generator, since nothing is awaited.
      [Symbol.asyncIterator]: () => ({
        next: (): Promise<IteratorResult<Buffer>> => {
          if (taken) return Promise.resolve({ done: true, value: undefined });
          taken = true;
          return Promise.resolve({ done: false, value: payload });
        },
      }),
      complete: true,
    },
  };
}
