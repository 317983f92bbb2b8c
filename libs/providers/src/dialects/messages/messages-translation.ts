import type { ChatCompletionLike, ChatTranslation, ParsedRequest, StreamRelay, TranslatedRequest, TranslationContext } from '../dialect';
import { DialectRequestError } from '../dialect';
import { anthropicErrorFromChat } from './messages-errors';

/** Messages ⇄ chat completions. */
export class MessagesTranslation implements ChatTranslation {
  toChat(_request: ParsedRequest): TranslatedRequest {
    throw new DialectRequestError('Translation of Messages to chat completions is not available yet.', null);
  }

  fromChat(_chat: ChatCompletionLike, _context: TranslationContext): unknown {
    throw new Error('not yet');
  }

  streamFromChat(_context: TranslationContext): StreamRelay {
    throw new Error('not yet');
  }

  errorFromChat(status: number, body: unknown): string {
    return anthropicErrorFromChat(status, body);
  }
}
