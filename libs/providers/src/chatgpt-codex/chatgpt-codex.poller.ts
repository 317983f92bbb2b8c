import { fetchJson } from '../outbound/outbound-http';
import type { PollAccount, PollContext, PollTarget, ProviderPoller } from '../polling/provider-poller';
import { AccountSnapshotResult, PollHttpError, ProviderSnapshotResult, statusFor } from '../polling/provider-snapshot';
import { refreshCodexTokens } from './codex-token-refresh';
import { readWhamUsage } from './wham-usage';

/** The token refresh itself failed (refresh token revoked or spent, token endpoint down). */
class RefreshFailedError extends Error {
  constructor(readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * ChatGPT/Codex seats: `GET {base}/wham/usage` per account (providers.md §3a) for the 5 h and 7 d
 * windows, plan and credits. A 401 is refreshed once through the OAuth token endpoint when the
 * account says Tollgate owns its tokens (`options.refresh: true`), the rotated tokens stored
 * before they are used; otherwise the account is `auth`. 402 `deactivated_workspace` is
 * `deactivated`. Each account's failure is its own: the others are polled all the same.
 */
export class ChatGptCodexPoller implements ProviderPoller {
  async poll(target: PollTarget, context: PollContext): Promise<ProviderSnapshotResult> {
    const accounts: AccountSnapshotResult[] = [];
    for (const account of target.accounts) accounts.push(await this.pollAccount(target.baseUrl, account, context));
    const ok = accounts.filter((account) => account.status === 'ok').length;
    return {
      status: accounts.length === 0 || ok > 0 ? 'ok' : accounts[0].status,
      message: accounts.length === 0 ? 'no enabled accounts with usable tokens to poll' : `${ok} of ${accounts.length} account(s) ok`,
      balance: null,
      limits: [],
      usage: null,
      raw: {},
      accounts,
    };
  }

  private async pollAccount(baseUrl: string, account: PollAccount, context: PollContext): Promise<AccountSnapshotResult> {
    const result: AccountSnapshotResult = {
      accountId: account.id,
      status: 'ok',
      message: null,
      plan: null,
      windows: {},
      credits: null,
      refreshed: false,
      raw: {},
    };
    try {
      const accessToken = text(account.credentials.accessToken);
      if (!accessToken) return { ...result, status: 'auth', message: 'no accessToken stored: send the account’s tokens' };
      let body: Record<string, unknown>;
      try {
        body = await this.usage(baseUrl, accessToken, account, context);
      } catch (error) {
        if (!(error instanceof PollHttpError && error.status === 401)) throw error;
        if (account.options.refresh !== true) {
          return {
            ...result,
            status: 'auth',
            message: `access token refused (${error.message}); Tollgate does not refresh this seat’s tokens (options.refresh is not true): send fresh tokens`,
          };
        }
        const refreshed = await this.refresh(account, accessToken, context);
        result.refreshed = refreshed.rotated;
        body = await this.usage(baseUrl, refreshed.accessToken, account, context);
      }
      const usage = readWhamUsage(body);
      const missing = Object.keys(usage.windows).length === 0 ? 'the answer carried no usage window' : null;
      return { ...result, message: missing, plan: usage.plan, windows: usage.windows, credits: usage.credits, raw: { usage: body } };
    } catch (error) {
      return { ...result, ...classify(error) };
    }
  }

  private usage(baseUrl: string, accessToken: string, account: PollAccount, context: PollContext): Promise<Record<string, unknown>> {
    const accountId = text(account.credentials.chatgptAccountId);
    return fetchJson(`${baseUrl.replace(/\/+$/, '')}/wham/usage`, {
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/json',
        'user-agent': 'codex-cli',
        ...(accountId ? { 'chatgpt-account-id': accountId } : {}),
      },
      timeoutMs: context.timeoutMs,
    });
  }

  /** One refresh per expired token: if another poll rotated the tokens meanwhile, use theirs. */
  private async refresh(account: PollAccount, expired: string, context: PollContext): Promise<{ accessToken: string; rotated: boolean }> {
    try {
      return await context.refreshAccount(account.id, async (current, store) => {
        const stored = text(current.accessToken);
        if (stored && stored !== expired) return { accessToken: stored, rotated: false };
        const refreshToken = text(current.refreshToken);
        if (!refreshToken) throw new Error('no refreshToken stored');
        const tokens = await refreshCodexTokens(refreshToken, {
          authBaseUrl: text(account.options.authBaseUrl),
          clientId: text(account.options.clientId),
          timeoutMs: context.timeoutMs,
        });
        await store({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
        return { accessToken: tokens.accessToken, rotated: true };
      });
    } catch (error) {
      throw new RefreshFailedError(error);
    }
  }
}

function classify(error: unknown): Pick<AccountSnapshotResult, 'status' | 'message'> {
  if (error instanceof RefreshFailedError) {
    const cause = error.cause;
    const code = cause instanceof PollHttpError ? text(cause.body?.error) : undefined;
    const refused = cause instanceof PollHttpError && cause.status >= 400 && cause.status < 500;
    if (refused || (cause instanceof Error && /no refreshToken/.test(cause.message))) {
      return {
        status: 'auth',
        message: `token refresh refused (${code ?? error.message}): the refresh token is revoked or spent; send the account’s tokens again`,
      };
    }
    return { status: 'error', message: `token refresh failed: ${statusFor(cause).message}` };
  }
  if (error instanceof PollHttpError && error.status === 402) {
    const detail = error.body?.detail;
    const code = typeof detail === 'object' && detail !== null ? text((detail as Record<string, unknown>).code) : text(detail);
    if (code === 'deactivated_workspace' || /deactivated/i.test(error.message))
      return { status: 'deactivated', message: 'the ChatGPT workspace is deactivated (402 deactivated_workspace)' };
  }
  const { status, message } = statusFor(error);
  return { status, message };
}
