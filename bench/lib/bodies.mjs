// What every benchmark sends: the same short question on each route, to a model the bench set up.
const ASK = 'Say hello to the benchmark.';

/** Chat completions, whole or streamed. */
export const chatBody = (model = 'bench-model', { stream = false } = {}) =>
  JSON.stringify({ model, messages: [{ role: 'user', content: ASK }], max_tokens: 32, ...(stream ? { stream: true } : {}) });

/** Anthropic Messages streams (Claude Code's route): translated to chat at an openai-kind provider, or native. */
export const messagesBody = (model = 'bench-model') => JSON.stringify({ model, messages: [{ role: 'user', content: ASK }], max_tokens: 32, stream: true });

/** OpenAI Responses streams (Codex's route): translated to chat at an openai-kind provider, or native. */
export const responsesBody = (model = 'bench-model') => JSON.stringify({ model, input: ASK, max_output_tokens: 32, stream: true });
