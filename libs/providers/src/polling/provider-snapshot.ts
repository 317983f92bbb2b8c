/** What one poll of a provider found, normalised across kinds. */
/** `deactivated`: the provider says the account or workspace no longer exists (Codex 402). */
export type SnapshotStatus = 'ok' | 'auth' | 'limited' | 'error' | 'deactivated';

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
  /** Per-account results, for kinds polled per account (ChatGPT/Codex seats). */
  accounts?: AccountSnapshotResult[];
}

/** One usage window of an account (e.g. a Codex seat's 5 h and 7 d windows). */
export interface AccountWindow {
  name: string;
  limitWindowSeconds: number;
  usedPercent: number;
  remainingPercent: number;
  resetAt: string | null;
  resetAfterSeconds: number | null;
  notStarted: boolean;
}

/** What one poll found for one account; never credentials. */
export interface AccountSnapshotResult {
  accountId: string;
  status: SnapshotStatus;
  message: string | null;
  plan: string | null;
  /** By window name (`5h`, `7d`, ...). */
  windows: Record<string, AccountWindow>;
  credits: { hasCredits: boolean; unlimited: boolean; balance: string | null } | null;
  /** True when the access token was refreshed (and the rotated tokens stored) during this poll. */
  refreshed: boolean;
  raw: Record<string, unknown>;
}

/** A provider answered with an HTTP error: classified as the snapshot's status. */
export class PollHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
    /** The provider's JSON error body, when it sent one (never a non-JSON body). */
    readonly body?: Record<string, unknown>,
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
