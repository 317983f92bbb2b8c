import { COMMON_OPTIONS, ProviderKindDefinition } from '../provider-kind';
import { ChatGptCodexPoller } from './chatgpt-codex.poller';

/**
 * ChatGPT/Codex seats (base `https://chatgpt.com/backend-api`, no `apiKey`): each account holds
 * a seat's OAuth tokens; Tollgate polls their 5 h / 7 d windows and credits, and does not proxy
 * calls through them (no adapter).
 */
export const CHATGPT_CODEX: ProviderKindDefinition = {
  kind: 'chatgpt-codex',
  adapter: null,
  poller: new ChatGptCodexPoller(),
  requiresApiKey: false,
  options: {
    ...COMMON_OPTIONS,
    /** Alert when a seat's window passes this used percent (default 90). */
    windowAlertPercent: { type: 'integer' },
  },
  accountOptions: {
    accessToken: { type: 'string', secret: true },
    refreshToken: { type: 'string', secret: true },
    chatgptAccountId: { type: 'string', secret: true },
    /** Tollgate owns the seat's tokens and may refresh (rotate) them; only one program may. */
    refresh: { type: 'boolean' },
    authBaseUrl: { type: 'url' },
    clientId: { type: 'string' },
  },
};
