import type { ChatCompletionLike, ChatTranslation, ParsedRequest, StreamRelay, TranslatedRequest, TranslationContext } from '../dialect';
import { openAiErrorBody } from '../openai-errors';
import { chatToResponse } from './chat-to-response';
import { ChatToResponsesStream } from './chat-to-responses-stream';
import { responsesToChat } from './responses-to-chat';
import type { ResponsesBody } from './responses-wire';
import { wireText } from '../../wire-text';

/** The response id of a translated call: derived from the gateway's request id (the usage event's id). */
const responseIdFor = (context: TranslationContext) => `resp_${context.requestId.replace(/-/g, '')}`;

/**
 * Responses ⇄ chat completions, for providers without a native Responses endpoint. What is
 * translated, ignored (named in `x-tollgate-ignored`) or refused is listed in
 * `responses-field-lists.ts`.
 */
export class ResponsesTranslation implements ChatTranslation {
  toChat(request: ParsedRequest): TranslatedRequest {
    const { chat, ignored } = responsesToChat(request.body as ResponsesBody);
    return { body: chat, ignored };
  }

  fromChat(chat: ChatCompletionLike, context: TranslationContext): unknown {
    return chatToResponse(chat, { model: context.clientModel }, responseIdFor(context));
  }

  streamFromChat(context: TranslationContext): StreamRelay {
    return new ChatToResponsesStream({ model: context.clientModel }, responseIdFor(context));
  }

  errorFromChat(status: number, body: unknown): string {
    const record = (body ?? {}) as { error?: { message?: unknown; code?: unknown; param?: unknown }; error_msg?: unknown; error_code?: unknown };
    const message = wireText(record.error?.message ?? record.error_msg ?? `The provider answered ${status}.`);
    const code = wireText(record.error?.code ?? record.error_code ?? `upstream_${status}`);
    const param = typeof record.error?.param === 'string' ? record.error.param : null;
    return openAiErrorBody({ status, code, message, param });
  }
}
