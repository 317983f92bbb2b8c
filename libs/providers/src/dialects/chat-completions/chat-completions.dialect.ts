import { badField, ParsedRequest, TokenCounter } from '../dialect';
import { checkObject, checkStream, countMessages, positiveInteger } from '../request-checks';
import { OpenAiUsageDialect } from './openai-usage-dialect';

/**
 * OpenAI chat completions: served natively by every provider kind, and the target every other
 * dialect translates to.
 */
export class ChatCompletionsDialect extends OpenAiUsageDialect {
  readonly name = 'chat.completions' as const;

  parse(body: Record<string, unknown>, countTokens: TokenCounter): ParsedRequest {
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) throw badField('messages', '`messages` must be a non-empty array.');
    messages.forEach((message, i) => {
      if (typeof message !== 'object' || message === null || typeof (message as { role?: unknown }).role !== 'string') {
        throw badField(`messages[${i}]`, `\`messages[${i}]\` must be an object with a string \`role\`.`);
      }
    });
    const stream = checkStream(body);
    const maxTokens = positiveInteger(body, 'max_tokens');
    const maxCompletionTokens = positiveInteger(body, 'max_completion_tokens');
    checkObject(body, 'stream_options');
    return {
      body,
      model: body.model as string,
      stream,
      promptTokens: countMessages(messages, countTokens),
      maxOutputTokens: maxCompletionTokens ?? maxTokens,
    };
  }
}
