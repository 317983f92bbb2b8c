import type { ProviderOperation } from '../provider-adapter';
import type { TokenUsage } from '../usage';

/**
 * One API dialect the gateway speaks to clients (DESIGN.md §7): chat completions, embeddings,
 * legacy completions, Anthropic Messages, OpenAI Responses. A dialect knows its wire format only:
 * how to read the few fields the gateway needs from a request, where usage sits in its answers
 * and streams, how its errors look, and (when a provider lacks the native endpoint) how to
 * translate to and from chat completions. The proxy core never looks inside a body itself:
 * route → admit → forward → tap → meter, whatever the dialect.
 */
export interface ApiDialect {
  /** The usage event's `endpoint`, and the provider operation whose native endpoint is tried. */
  readonly name: ProviderOperation;
  /**
   * Client request headers forwarded as they are to a native endpoint (lower case), e.g.
   * `anthropic-version` and `anthropic-beta`. Never credentials.
   */
  readonly forwardedHeaders: readonly string[];
  /**
   * Checks the fields the gateway relies on and estimates the call, naming the field that is
   * wrong (throws {@link DialectRequestError}). Everything it does not read passes through.
   */
  parse(body: Record<string, unknown>, countTokens: TokenCounter): ParsedRequest;
  /** The body to send to the provider's native endpoint for this dialect (model already rewritten). */
  nativeBody(request: ParsedRequest): Record<string, unknown>;
  /** A refusal or failure in this dialect's error envelope. */
  errorBody(error: DialectError): string;
  /** Usage from a native non-stream answer, normalised (prompt includes cached). */
  usageFromJson(payload: Buffer): TokenUsage | null;
  /** Watches a native stream on its way to the client (passes it through, reads usage). */
  streamTap(request: ParsedRequest): StreamRelay;
  /** Absent: the dialect is served natively only (a provider without the endpoint answers 404). */
  readonly translation?: ChatTranslation;
}

/** Local token count of a text (the gateway's tokenizer; injected so this library stays pure). */
export type TokenCounter = (text: string) => number;

/** What the gateway needs to know about one request, whatever its dialect. */
export interface ParsedRequest {
  /** The client's body, parsed once; `model` is rewritten to the provider's name before sending. */
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  /** Local estimate of the prompt tokens (for quota reservation, and metering if usage never comes). */
  promptTokens: number;
  /** The client's output limit; undefined: the gateway's configured default is reserved. */
  maxOutputTokens: number | undefined;
}

/** A gateway error, independent of how a dialect writes it. */
export interface DialectError {
  status: number;
  /** Tollgate's error code (`invalid_request`, `quota_exceeded`, …) or the provider's. */
  code: string;
  message: string;
  param: string | null;
}

/**
 * Turns an upstream stream into what the client receives, chunk by chunk as it arrives, and
 * reads the usage on the way. The native tap passes bytes through (perhaps hiding a usage chunk
 * the client did not ask for); a translator turns chat-completion SSE chunks into the client's
 * events.
 */
export interface StreamRelay {
  /** What to write to the client now (may be empty). Never waits for more input. */
  push(chunk: Buffer): Buffer | string;
  /** At the end of the upstream stream: what is left to write (closing events). */
  end(): string;
  /** The provider's usage, normalised, once seen (the last one wins). */
  readonly usage: TokenUsage | null;
  /** An error event seen inside the stream (its code), for the usage event. */
  readonly streamError: string | null;
  /** Text delivered so far (for estimating completion tokens when usage never comes). */
  deliveredText(): string;
  /** How a gateway-side failure mid-stream is told to this client (an SSE event). */
  errorEvent(error: DialectError): string;
}

/** Everything a translation needs beyond the body. */
export interface TranslationContext {
  /** The model name the client asked for (echoed back in translated answers). */
  clientModel: string;
  /** The gateway's id for this call (the usage event's id). */
  requestId: string;
  /** The client's request (e.g. to echo its tools or instructions, or to know it asked for thinking). */
  request: ParsedRequest;
}

/** A request translated to chat completions. */
export interface TranslatedRequest {
  /** A chat-completions body (`model` is rewritten by the core, `stream_options` too). */
  body: Record<string, unknown>;
  /** Request fields safely ignored (named in the `x-tollgate-ignored` response header). */
  ignored: string[];
}

/**
 * Translation to and from chat completions, for providers without the native endpoint. Fields
 * that cannot be translated are refused with {@link DialectRequestError} naming the field.
 */
export interface ChatTranslation {
  toChat(request: ParsedRequest): TranslatedRequest;
  /** A chat.completion JSON answer → the client's answer (JSON, serialised by the caller). */
  fromChat(chat: ChatCompletionLike, context: TranslationContext): unknown;
  /** Chat-completion SSE chunks (with `include_usage`) → the client's stream events. */
  streamFromChat(context: TranslationContext): StreamRelay;
  /** A provider's chat-completions error answer → this dialect's envelope. */
  errorFromChat(status: number, body: unknown): string;
}

/** The parts of a chat.completion answer translations read. */
export interface ChatCompletionLike {
  id?: string;
  model?: string;
  created?: number;
  choices?: Array<{
    index?: number;
    finish_reason?: string | null;
    message?: {
      role?: string;
      content?: string | null;
      reasoning_content?: string | null;
      tool_calls?: Array<{ id?: string; type?: string; function?: { name?: string; arguments?: string } }>;
    };
  }>;
  usage?: unknown;
}

/** A request the gateway refuses with 400, naming the field (`param`). */
export class DialectRequestError extends Error {
  constructor(
    message: string,
    readonly param: string | null = null,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const badField = (field: string, message: string) => new DialectRequestError(message, field);
