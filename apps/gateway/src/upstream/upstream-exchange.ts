import type { Dispatcher } from 'undici';
import type { UpstreamBody, UpstreamResponse } from './buffered-response';

/** A streaming body's queue pauses the provider's socket above this many unread bytes... */
const HIGH_WATER_BYTES = 64 * 1024;
/** ...and resumes it once the reader has taken it below this. */
const LOW_WATER_BYTES = 16 * 1024;
/** A body dumped (not read) is drained up to this much; beyond, its connection is dropped. */
const DUMP_LIMIT_BYTES = 128 * 1024;

/** Why a call's provider exchange was aborted when its client went away. */
export class ClientClosedError extends Error {
  constructor() {
    super('the client closed the request');
  }
}

/**
 * Cancels a call's provider exchanges when its client goes away. A plain flag and one callback,
 * not an AbortController: an AbortSignal is an EventTarget, and building one per call was a
 * visible share of the gateway's CPU per call.
 */
export class CallCancellation {
  private abortCurrent: ((reason: Error) => void) | undefined;
  private done = false;

  get cancelled(): boolean {
    return this.done;
  }

  cancel(): void {
    if (this.done) return;
    this.done = true;
    this.abortCurrent?.(new ClientClosedError());
  }

  /** The exchange in progress (one at a time: attempts are sequential) registers its abort here. */
  follow(abort: ((reason: Error) => void) | undefined): void {
    this.abortCurrent = abort;
  }
}

export interface ExchangeOptions {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * One provider request on undici's dispatch API, resolved with the response head. undici's
 * `request()` wraps every call in an AsyncResource, a Readable body stream and an AbortSignal
 * listener; the gateway needs none of them — it reads a body once, whole or chunk by chunk — so
 * this handler hands chunks straight to a small queue with backpressure (the provider's socket
 * is paused while the client is slow). Timeouts and errors are undici's own (`errors.*`).
 */
export function exchange(dispatcher: Dispatcher, options: ExchangeOptions, cancellation: CallCancellation): Promise<UpstreamResponse> {
  if (cancellation.cancelled) return Promise.reject(new ClientClosedError());
  return new Promise((resolve, reject) => {
    dispatcher.dispatch(options, new ExchangeHandler(cancellation, resolve, reject));
  });
}

class ExchangeHandler implements Dispatcher.DispatchHandler {
  private body: ExchangeBody | undefined;

  constructor(
    private readonly cancellation: CallCancellation,
    private readonly resolve: (response: UpstreamResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // a client gone while the request waited for a connection is aborted before it is written
    if (this.cancellation.cancelled) controller.abort(new ClientClosedError());
    else this.cancellation.follow((reason) => controller.abort(reason));
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // 1xx: the real head follows
    this.body = new ExchangeBody(controller);
    this.resolve({ statusCode, headers, body: this.body });
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.body?.push(chunk);
  }

  onResponseEnd(): void {
    this.cancellation.follow(undefined);
    this.body?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.cancellation.follow(undefined);
    if (this.body) this.body.fail(error);
    else this.reject(error);
  }
}

type Waiter = { resolve: (result: IteratorResult<Buffer>) => void; reject: (error: Error) => void };

/** A response body read once: whole (`buffer`), chunk by chunk (async iteration) or dumped. */
class ExchangeBody implements UpstreamBody {
  private readonly chunks: Buffer[] = [];
  private head = 0;
  private queuedBytes = 0;
  private ended = false;
  private error: Error | undefined;
  private waiter: Waiter | undefined;
  private whole: { resolve: (payload: Buffer) => void; reject: (error: Error) => void } | undefined;
  private dumped: { resolve: () => void; bytes: number } | undefined;

  constructor(private readonly controller: Dispatcher.DispatchController) {}

  push(chunk: Buffer): void {
    if (this.dumped) {
      this.dumped.bytes += chunk.length;
      if (this.dumped.bytes > DUMP_LIMIT_BYTES) this.controller.abort(new Error('dumped body too large'));
      return;
    }
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.resolve({ done: false, value: chunk });
      return;
    }
    this.chunks.push(chunk);
    this.queuedBytes += chunk.length;
    if (!this.whole && this.queuedBytes > HIGH_WATER_BYTES) this.controller.pause();
  }

  end(): void {
    this.ended = true;
    if (this.dumped) this.dumped.resolve();
    else if (this.whole) this.whole.resolve(this.take());
    else if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.resolve({ done: true, value: undefined });
    }
  }

  fail(error: Error): void {
    this.error = error;
    if (this.dumped) this.dumped.resolve();
    else if (this.whole) this.whole.reject(error);
    else if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.reject(error);
    }
  }

  get complete(): boolean {
    return this.ended;
  }

  buffer(): Promise<Buffer> {
    if (this.error) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve(this.take());
    this.controller.resume();
    return new Promise((resolve, reject) => (this.whole = { resolve, reject }));
  }

  dump(): Promise<void> {
    if (this.ended || this.error) return Promise.resolve();
    const bytes = this.queuedBytes;
    this.chunks.length = 0;
    this.head = 0;
    this.queuedBytes = 0;
    this.controller.resume();
    return new Promise((resolve) => (this.dumped = { resolve, bytes }));
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: () => this.next(),
      // the reader stopped early (it threw): the rest is not wanted, and the connection cannot be reused
      return: () => {
        if (!this.ended && !this.error) this.controller.abort(new Error('the response body was not read to its end'));
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  private next(): Promise<IteratorResult<Buffer>> {
    if (this.head < this.chunks.length) {
      const chunk = this.chunks[this.head];
      this.chunks[this.head++] = EMPTY;
      this.queuedBytes -= chunk.length;
      if (this.head === this.chunks.length) {
        this.chunks.length = 0;
        this.head = 0;
      }
      if (this.queuedBytes < LOW_WATER_BYTES) this.controller.resume();
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.error) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    this.controller.resume();
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** Everything queued, as one buffer. */
  private take(): Buffer {
    const chunks = this.chunks.slice(this.head);
    this.chunks.length = 0;
    this.head = 0;
    this.queuedBytes = 0;
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  }
}

const EMPTY = Buffer.alloc(0);
