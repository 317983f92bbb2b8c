import { signAcs3 } from './acs3-hmac-sha256.signer';
import { fetchJson } from '../outbound/outbound-http';
import type { PollContext, PollTarget, ProviderPoller } from '../polling/provider-poller';
import type { ModelLimit, ProviderSnapshotResult } from '../polling/provider-snapshot';

const PAGE_SIZE = 100;

type Limit = { request_limit?: number | null; request_limit_period?: number | null; usage_limit?: number | null; usage_limit_field?: string | null; usage_limit_period?: number | null } | null | undefined;

function toLimit(model: string, scope: 'model' | 'workspace', limit: Limit): ModelLimit | undefined {
  if (!limit) return undefined;
  return {
    model,
    scope,
    requestLimit: limit.request_limit ?? null,
    requestPeriodSeconds: limit.request_limit_period ?? null,
    tokenLimit: limit.usage_limit ?? null,
    tokenLimitField: limit.usage_limit_field ?? null,
    tokenPeriodSeconds: limit.usage_limit_period ?? null,
  };
}

/** "1,234.56" → "1234.56" */
export function parseAmount(value: unknown): string {
  return String(value ?? '0').replace(/,/g, '').trim() || '0';
}

/**
 * The API key the quotas call uses: the first account the gateway may call (enabled, not refused;
 * in the order the accounts are given) that has one, else the provider's own (a provider stored
 * before it had accounts). Accounts of one DashScope provider share its workspace, so any of them
 * sees the same limits.
 */
export function workspaceApiKey(target: PollTarget): string {
  const account = target.accounts.find((candidate) => typeof candidate.credentials.apiKey === 'string' && candidate.credentials.apiKey.length > 0);
  return String(account?.credentials.apiKey ?? target.credentials.apiKey ?? '');
}

/**
 * DashScope: per-model rate limits from `GET /api/v1/quotas` (the official `output.quotas`
 * shape, paged; the older `{code, data}` shape tolerated), and, with an Alibaba Cloud AccessKey,
 * the account balance from BSS `QueryAccountBalance` (ACS3-HMAC-SHA256 signed).
 */
export class DashScopePoller implements ProviderPoller {
  async poll(target: PollTarget, context: PollContext): Promise<ProviderSnapshotResult> {
    const raw: Record<string, unknown> = {};
    const limits = await this.quotas(target, context.timeoutMs, raw);
    const balance = await this.balance(target, context.timeoutMs, raw);
    return { status: 'ok', message: null, balance, limits, usage: null, raw };
  }

  private async quotas(target: PollTarget, timeoutMs: number, raw: Record<string, unknown>): Promise<ModelLimit[]> {
    const limits: ModelLimit[] = [];
    const pages: unknown[] = [];
    for (let page = 1; page <= 50; page++) {
      const body = await fetchJson(`${target.baseUrl.replace(/\/+$/, '')}/api/v1/quotas?page_no=${page}&page_size=${PAGE_SIZE}`, {
        headers: { authorization: `Bearer ${workspaceApiKey(target)}` },
        timeoutMs,
      });
      pages.push(body);
      if (typeof body.code === 'string' && !['success', 'ok', '200'].includes(body.code.toLowerCase())) throw new Error(`API error: ${body.code} - ${String(body.message ?? '')}`);
      const output = (body.output ?? body.data ?? body.result) as { total?: number; quotas?: unknown; models?: unknown; rate_limit?: { rpm?: number; tpm?: number } } | undefined;
      const rows = output?.quotas ?? output?.models;
      const entries: Array<[string, Record<string, unknown>]> = Array.isArray(rows)
        ? rows.map((row: Record<string, unknown>) => [String(row.model ?? row.name ?? ''), row])
        : rows && typeof rows === 'object'
          ? Object.entries(rows as Record<string, Record<string, unknown>>)
          : [];
      for (const [model, row] of entries) {
        const modelLimit = toLimit(model, 'model', row.model_limit as Limit) ?? (row.rpm !== undefined || row.tpm !== undefined
          ? { model, scope: 'model' as const, requestLimit: (row.rpm as number) ?? null, requestPeriodSeconds: 60, tokenLimit: (row.tpm as number) ?? null, tokenLimitField: 'total_tokens', tokenPeriodSeconds: 60 }
          : undefined);
        if (modelLimit) limits.push(modelLimit);
        const workspace = toLimit(model, 'workspace', row.workspace_limit as Limit);
        if (workspace) limits.push(workspace);
      }
      const total = Number(output?.total ?? 0);
      if (!Array.isArray(rows) || page * PAGE_SIZE >= total) break;
    }
    raw.quotas = pages;
    return limits;
  }

  private async balance(target: PollTarget, timeoutMs: number, raw: Record<string, unknown>): Promise<{ amount: string; currency: string } | null> {
    const accessKeyId = target.credentials.accessKeyId;
    const accessKeySecret = target.credentials.accessKeySecret;
    if (typeof accessKeyId !== 'string' || typeof accessKeySecret !== 'string') return null;
    const endpoint = new URL(String(target.options.bssEndpoint ?? 'https://business.aliyuncs.com'));
    const signed = signAcs3({ method: 'POST', host: endpoint.host, query: {}, action: 'QueryAccountBalance', version: '2017-12-14' }, accessKeyId, accessKeySecret);
    const body = await fetchJson(`${endpoint.origin}/`, { method: 'POST', headers: signed.headers, timeoutMs });
    raw.balance = body;
    if (body.Success === false || (body.Code && String(body.Code) !== '200')) throw new Error(`BSS error: ${String(body.Code)} - ${String(body.Message ?? '')}`);
    const data = (body.Data ?? {}) as { AvailableAmount?: unknown; Currency?: unknown };
    return { amount: parseAmount(data.AvailableAmount), currency: String(data.Currency ?? 'CNY') };
  }
}
