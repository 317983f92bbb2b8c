import { ChatCompletionsDialect } from './chat-completions/chat-completions.dialect';
import { CompletionsDialect } from './completions/completions.dialect';
import type { ApiDialect } from './dialect';
import { EmbeddingsDialect } from './embeddings/embeddings.dialect';
import { MessagesDialect } from './messages/messages.dialect';
import { ResponsesDialect } from './responses/responses.dialect';
import type { ProviderOperation } from '../provider-adapter';

export * from './dialect';
export { withUsageChunk } from './chat-completions/openai-usage-dialect';
export { safeJson } from './json-usage';
export { anthropicErrorBody } from './messages/messages-errors';
export { openAiErrorBody } from './openai-errors';

const DIALECTS: Record<ProviderOperation, ApiDialect> = {
  'chat.completions': new ChatCompletionsDialect(),
  embeddings: new EmbeddingsDialect(),
  completions: new CompletionsDialect(),
  messages: new MessagesDialect(),
  responses: new ResponsesDialect(),
};

/** The dialect of a client route (one instance each; dialects hold no per-call state). */
export function dialectFor(name: ProviderOperation): ApiDialect {
  return DIALECTS[name];
}
