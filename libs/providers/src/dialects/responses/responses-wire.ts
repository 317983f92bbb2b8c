/**
 * The OpenAI Responses API on the wire (shared providers.md §4, §7): the request fields the
 * gateway reads, the items it translates, and the response object and usage it produces.
 * Everything else in a request is carried as unknown and classified by `responses-field-lists.ts`.
 */

export interface ResponsesContentPart {
  type: string;
  text?: unknown;
  image_url?: unknown;
  file_id?: unknown;
  detail?: unknown;
  refusal?: unknown;
  [key: string]: unknown;
}

/** An input item: a message (typed or the "easy" `{role, content}` form), a tool call, a tool output, a reasoning item… */
export interface ResponsesInputItem {
  type?: string;
  role?: string;
  content?: string | ResponsesContentPart[];
  call_id?: unknown;
  name?: unknown;
  arguments?: unknown;
  output?: unknown;
  [key: string]: unknown;
}

export interface ResponsesTool {
  type: string;
  name?: unknown;
  description?: unknown;
  parameters?: unknown;
  strict?: unknown;
  [key: string]: unknown;
}

/** The fields of a `POST /v1/responses` body the gateway relies on; the rest is classified, never dropped silently. */
export interface ResponsesBody {
  model: string;
  input: string | ResponsesInputItem[];
  instructions?: string | null;
  stream?: boolean | null;
  tools?: ResponsesTool[] | null;
  tool_choice?: unknown;
  parallel_tool_calls?: boolean | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  text?: { format?: { type?: unknown; [key: string]: unknown } | null; [key: string]: unknown } | null;
  [key: string]: unknown;
}

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

interface OutputTextPart {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs?: unknown[];
}

interface RefusalPart {
  type: 'refusal';
  refusal: string;
}

export interface MessageItem {
  id: string;
  type: 'message';
  status: 'in_progress' | 'completed' | 'incomplete';
  role: 'assistant';
  content: Array<OutputTextPart | RefusalPart>;
}

export interface FunctionCallItem {
  id: string;
  type: 'function_call';
  status: 'in_progress' | 'completed' | 'incomplete';
  call_id: string;
  name: string;
  arguments: string;
}

export interface ReasoningItem {
  id: string;
  type: 'reasoning';
  summary: Array<{ type: 'summary_text'; text: string }>;
  status?: 'in_progress' | 'completed' | 'incomplete';
}

export type OutputItem = MessageItem | FunctionCallItem | ReasoningItem;

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: null;
  reasoning: { effort: null; summary: null };
  store: false;
  temperature: number | null;
  text: { format: { type: 'text' } | Record<string, unknown> };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: 'disabled';
  usage: ResponsesUsage | null;
  user: string | null;
  metadata: Record<string, string>;
}
