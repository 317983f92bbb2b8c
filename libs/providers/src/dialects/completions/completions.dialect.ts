import { badField, ParsedRequest, TokenCounter } from '../dialect';
import { checkObject, checkStream, countInput, positiveInteger } from '../request-checks';
import { OpenAiUsageDialect } from '../chat-completions/openai-usage-dialect';

/** Legacy OpenAI completions (`prompt`), forwarded where the provider serves it. */
export class CompletionsDialect extends OpenAiUsageDialect {
  readonly name = 'completions' as const;

  parse(body: Record<string, unknown>, countTokens: TokenCounter): ParsedRequest {
    const prompt = body.prompt;
    const ok = typeof prompt === 'string' || (Array.isArray(prompt) && prompt.length > 0);
    if (!ok) throw badField('prompt', '`prompt` must be a string or a non-empty array.');
    const stream = checkStream(body);
    checkObject(body, 'stream_options');
    return {
      body,
      model: body.model as string,
      stream,
      promptTokens: countInput(prompt, countTokens),
      maxOutputTokens: positiveInteger(body, 'max_tokens') ?? 16,
    };
  }
}
