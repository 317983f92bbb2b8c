import type { ChatCompletionLike, ChatTranslation, ParsedRequest, StreamRelay, TranslatedRequest, TranslationContext } from '../dialect';
import { ChatToMessagesStream, chatToMessage } from './chat-to-messages';
import { anthropicErrorFromChat } from './messages-errors';
import { messagesToChat } from './messages-to-chat';

/** Messages ⇄ chat completions, for providers without a native Messages endpoint. */
export class MessagesTranslation implements ChatTranslation {
  toChat(request: ParsedRequest): TranslatedRequest {
    return messagesToChat(request);
  }

  fromChat(chat: ChatCompletionLike, context: TranslationContext): unknown {
    return chatToMessage(chat, context);
  }

  streamFromChat(context: TranslationContext): StreamRelay {
    return new ChatToMessagesStream(context);
  }

  errorFromChat(status: number, body: unknown): string {
    return anthropicErrorFromChat(status, body);
  }
}
