/**
 * The three published lists (README, CONTRACT "Gateway") for a Responses request that is
 * translated to chat completions. On the native path the body passes through unchanged, except
 * for what the gateway itself cannot honour (`background`).
 */

/** Top-level request fields carried over into the chat completions request. */
export const TRANSLATED_FIELDS: readonly string[] = [
  'model',
  'input',
  'instructions',
  'stream',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'temperature',
  'top_p',
  'text',
  'user',
];

/**
 * Hints that are safely dropped: the answer is the same without them (or the difference only
 * concerns state or telemetry the provider would keep). Named in `x-tollgate-ignored`.
 */
export const IGNORED_FIELDS: readonly string[] = [
  'store',
  'include',
  'prompt_cache_key',
  'prompt_cache_retention',
  'client_metadata',
  'metadata',
  'reasoning',
  'safety_identifier',
  'service_tier',
  'stream_options',
  'top_logprobs',
  'truncation',
  'max_tool_calls',
];

/**
 * Fields that cannot be honoured without state or tools the gateway does not have: a 400 naming
 * the field (only when set: `null`/`false` values are accepted).
 */
export const REFUSED_FIELDS: readonly string[] = ['previous_response_id', 'conversation', 'prompt', 'background'];

/**
 * Tools that run on the provider's side, and client tools with item types of their own that chat
 * completions cannot express: refused on the translated path…
 */
export const REFUSED_TOOLS: readonly string[] = [
  'file_search',
  'code_interpreter',
  'computer_use_preview',
  'computer_use',
  'image_generation',
  'mcp',
  'local_shell',
  'custom',
];

/**
 * …except web search, which Codex offers the model on every call
 * (`{"type":"web_search","external_web_access":false}`): the model simply does not get it.
 */
export const DROPPED_TOOLS: readonly string[] = ['web_search', 'web_search_preview', 'web_search_2025_08_26', 'web_search_preview_2025_03_11', 'namespace'];

/** Input item types kept only as history of server-side work the chat model cannot see (dropped, named). */
export const IGNORED_INPUT_ITEMS: readonly string[] = ['reasoning', 'web_search_call'];

/** The README table, kept next to the lists so the two cannot drift. */
export function fieldListsMarkdown(): string {
  const code = (names: readonly string[]) => names.map((name) => `\`${name}\``).join(', ');
  return [
    '| Responses request fields, translated path | |',
    '| --- | --- |',
    `| translated | ${code(TRANSLATED_FIELDS)} |`,
    `| ignored (named in \`x-tollgate-ignored\`) | ${code(IGNORED_FIELDS)}, \`text.verbosity\`, input items of type ${code(IGNORED_INPUT_ITEMS)}, images and files inside a \`function_call_output\`, tools of type ${code(DROPPED_TOOLS)}, any other unknown field |`,
    `| refused (400 naming the field) | ${code(REFUSED_FIELDS)}, tools of type ${code(REFUSED_TOOLS)}, \`item_reference\` items, \`input_file\` parts, \`input_image\` by \`file_id\` |`,
  ].join('\n');
}
