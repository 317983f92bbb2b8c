import { fetchJson } from '../outbound/outbound-http';

/** The Codex CLI's public OAuth client id (providers.md §3a); `options.clientId` overrides it. */
const CODEX_CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';
const DEFAULT_AUTH_BASE_URL = 'https://auth.openai.com';

export interface RotatedTokens {
  accessToken: string;
  /** Refresh tokens rotate: the new one, or the old one when the server kept it. */
  refreshToken: string;
  idToken?: string;
}

/**
 * `POST {authBaseUrl}/oauth/token` with `grant_type=refresh_token`. The answer's tokens replace
 * the stored ones at once: the old refresh token is spent. A refused refresh token (400/401
 * `invalid_grant`) throws PollHttpError.
 */
export async function refreshCodexTokens(
  refreshToken: string,
  options: { authBaseUrl?: string; clientId?: string; timeoutMs: number },
): Promise<RotatedTokens> {
  const base = (options.authBaseUrl ?? DEFAULT_AUTH_BASE_URL).replace(/\/+$/, '');
  const body = await fetchJson(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: options.clientId ?? CODEX_CLIENT_ID,
      scope: 'openid profile email',
    }),
    timeoutMs: options.timeoutMs,
  });
  if (typeof body.access_token !== 'string' || body.access_token === '') throw new Error('the token endpoint answered without an access_token');
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : refreshToken,
    ...(typeof body.id_token === 'string' ? { idToken: body.id_token } : {}),
  };
}
