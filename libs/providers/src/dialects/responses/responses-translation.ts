import type { ChatCompletionLike, ChatTranslation, ParsedRequest, StreamRelay, TranslatedRequest, TranslationContext } from '../dialect';
import { DialectRequestError } from '../dialect';
import { openAiErrorBody } from '../openai-errors';

/**
 * Responses ⇄ chat completions.
 *
 * TODO(responses): this whole file — `input` items (messages, function_call,
 * function_call_output, reasoning items sent back), `instructions`, tools and tool_choice,
 * text/JSON formats, the ignored hints (`store`, `include`, `prompt_cache_key`,
 * `client_metadata`) returned in `ignored`, the non-stream response object, and the streaming
 * translator (`response.created`, `response.output_item.added`, `response.output_text.delta`,
 * function-call argument deltas, `response.output_item.done`, `response.completed` with usage).
 */
export class ResponsesTranslation implements ChatTranslation {
  toChat(_request: ParsedRequest): TranslatedRequest {
    throw new DialectRequestError('This model does not serve the Responses API natively and translation is not available yet.', null);
  }

  fromChat(_chat: ChatCompletionLike, _context: TranslationContext): unknown {
    throw new Error('TODO(responses): fromChat');
  }

  streamFromChat(_context: TranslationContext): StreamRelay {
    throw new Error('TODO(responses): streamFromChat');
  }

  errorFromChat(status: number, body: unknown): string {
    const record = (body ?? {}) as { error?: { message?: unknown; code?: unknown }; error_msg?: unknown; error_code?: unknown };
    const message = String(record.error?.message ?? record.error_msg ?? `The provider answered ${status}.`);
    const code = String(record.error?.code ?? record.error_code ?? `upstream_${status}`);
    return openAiErrorBody({ status, code, message, param: null });
  }
}
