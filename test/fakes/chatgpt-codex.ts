import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SeatAnswer = { status: number; body: unknown };

/**
 * Fake ChatGPT backend (`GET /backend-api/wham/usage`) and OpenAI auth server
 * (`POST /oauth/token`) on loopback, speaking the wire formats of providers.md §3a. Access
 * tokens map to answers; refresh tokens rotate: each works once, then answers `invalid_grant`.
 */
export class FakeChatGptCodex {
  /** accessToken → what wham/usage answers; unknown tokens get 401. */
  readonly seats = new Map<string, SeatAnswer>();
  /** refreshToken → the tokens it is exchanged for (once). */
  readonly refreshes = new Map<string, { access_token: string; refresh_token: string; id_token?: string }>();
  readonly usageCalls: Array<{ token: string; accountId: string | undefined }> = [];
  readonly tokenCalls: Array<Record<string, unknown>> = [];

  private constructor(
    private readonly servers: Server[],
    /** `http://127.0.0.1:<port>/backend-api` */
    readonly baseUrl: string,
    /** `http://127.0.0.1:<port>` */
    readonly authBaseUrl: string,
  ) {}

  static async start(): Promise<FakeChatGptCodex> {
    let fake: FakeChatGptCodex | undefined;
    const backend = createServer((req, res) => fake!.usage(req, res));
    const auth = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => fake!.token(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    const origins: string[] = [];
    for (const server of [backend, auth]) {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origins.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
    fake = new FakeChatGptCodex([backend, auth], `${origins[0]}/backend-api`, origins[1]);
    return fake;
  }

  async close(): Promise<void> {
    for (const server of this.servers) await new Promise((resolve) => server.close(resolve));
  }

  private usage(req: IncomingMessage, res: ServerResponse): void {
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    const accountId = req.headers['chatgpt-account-id'] as string | undefined;
    if (req.method !== 'GET' || req.url !== '/backend-api/wham/usage') return send(res, 404, { detail: 'Not Found' });
    this.usageCalls.push({ token, accountId });
    const answer = this.seats.get(token) ?? { status: 401, body: { detail: 'Could not validate credentials' } };
    send(res, answer.status, answer.body);
  }

  private token(req: IncomingMessage, res: ServerResponse, raw: string): void {
    if (req.method !== 'POST' || req.url !== '/oauth/token') return send(res, 404, { error: 'not_found' });
    const body = JSON.parse(raw || '{}') as Record<string, unknown>;
    this.tokenCalls.push(body);
    if (body.grant_type !== 'refresh_token') return send(res, 400, { error: 'unsupported_grant_type' });
    const rotated = this.refreshes.get(String(body.refresh_token));
    if (!rotated) return send(res, 400, { error: 'invalid_grant', error_description: 'Refresh token has been revoked or already used' });
    this.refreshes.delete(String(body.refresh_token));
    send(res, 200, { ...rotated, token_type: 'Bearer', expires_in: 864000 });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The verbatim real capture from providers.md §3a, with the windows and plan adjustable. */
export function whamUsage(overrides: { plan?: string; primary?: Record<string, unknown> | null; secondary?: Record<string, unknown> | null; balance?: string } = {}): Record<string, unknown> {
  return {
    user_id: 'user-XXXX',
    account_id: 'user-XXXX',
    email: 'x@example.com',
    plan_type: overrides.plan ?? 'plus',
    rate_limit: {
      allowed: true,
      limit_reached: false,
      primary_window: overrides.primary === undefined ? { used_percent: 0, limit_window_seconds: 18000, reset_after_seconds: 18000, reset_at: 1777923843 } : overrides.primary,
      secondary_window: overrides.secondary === undefined ? { used_percent: 76, limit_window_seconds: 604800, reset_after_seconds: 355033, reset_at: 1778260876 } : overrides.secondary,
    },
    code_review_rate_limit: null,
    additional_rate_limits: null,
    credits: { has_credits: false, unlimited: false, overage_limit_reached: false, balance: overrides.balance ?? '0' },
    spend_control: { reached: false, individual_limit: null },
    rate_limit_reached_type: null,
    promo: null,
    referral_beacon: null,
  };
}
