import { NothingToPoll } from '../polling/provider-poller';
import { COMMON_OPTIONS, SERVED_OPTIONS, ProviderKindDefinition } from '../provider-kind';
import { OpenAiAdapter } from './openai.adapter';

/** Any OpenAI-compatible service (base URL ending in `/v1`); nothing to poll. */
export const OPENAI: ProviderKindDefinition = {
  kind: 'openai',
  adapter: new OpenAiAdapter(),
  poller: new NothingToPoll('OpenAI-compatible providers expose no quota or balance endpoint'),
  requiresApiKey: true,
  options: { ...COMMON_OPTIONS, ...SERVED_OPTIONS },
};
