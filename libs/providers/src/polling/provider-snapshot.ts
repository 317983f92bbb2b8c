/** What one poll of a provider found, normalised across kinds. */
export type SnapshotStatus = 'ok' | 'auth' | 'limited' | 'error';

export interface ModelLimit {
  model: string;
  scope: 'model' | 'workspace';
  requestLimit: number | null;
  requestPeriodSeconds: number | null;
  tokenLimit: number | null;
  tokenLimitField: string | null;
  tokenPeriodSeconds: number | null;
}

export interface ReportedUsage {
  from: string;
  to: string;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface ProviderSnapshotResult {
  status: SnapshotStatus;
  message: string | null;
  balance: { amount: string; currency: string } | null;
  limits: ModelLimit[];
  usage: ReportedUsage | null;
  /** Raw payloads per call (never credentials). */
  raw: Record<string, unknown>;
  /** Seconds a 429 asked us to wait. */
  retryAfterSeconds?: number;
}

export interface PollTarget {
  kind: 'dashscope' | 'huawei-maas' | 'openai';
  baseUrl: string;
  credentials: { apiKey: string; [secret: string]: unknown };
  options: Record<string, unknown>;
}

/** A provider answered with an HTTP error: classified as the snapshot's status. */
export class PollHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export function statusFor(error: unknown): { status: SnapshotStatus; message: string; retryAfterSeconds?: number } {
  if (error instanceof PollHttpError) {
    if (error.status === 401 || error.status === 403) return { status: 'auth', message: error.message };
    if (error.status === 429) return { status: 'limited', message: error.message, retryAfterSeconds: error.retryAfterSeconds };
    return { status: 'error', message: error.message };
  }
  const message = (error as Error)?.name === 'TimeoutError' ? 'the provider did not answer in time' : ((error as Error)?.message ?? String(error));
  return { status: 'error', message };
}

/** GET/POST JSON with a timeout; non-2xx becomes PollHttpError with the provider's own message. */
export async function fetchJson(url: string, init: RequestInit & { timeoutMs?: number }): Promise<Record<string, unknown>> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 10_000) });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    if (res.ok) throw new Error(`not JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok) {
    const nested = body.error as { message?: string } | undefined;
    const message = String(body.message ?? body.Message ?? body.error_msg ?? nested?.message ?? `HTTP ${res.status}`);
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new PollHttpError(res.status, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  }
  return body;
}
