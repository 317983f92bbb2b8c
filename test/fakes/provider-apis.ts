import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signAcs3, signSdkHmacSha256 } from '@app/providers';

/**
 * Fake Alibaba Cloud BSS and Huawei Cloud IAM/ModelArts endpoints on loopback. They verify each
 * request's signature by recomputing it independently from what arrived (same date and nonce),
 * and answer in the real shapes (providers.md §1c, §2b, §2c).
 */
export class FakeProviderApis {
  readonly calls: Array<{ path: string; body: string }> = [];
  mode: 'ok' | 'limited' = 'ok';

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(credentials: { alibaba: { id: string; secret: string }; huawei: { ak: string; sk: string } }): Promise<FakeProviderApis> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => fake.handle(req, res, Buffer.concat(chunks).toString('utf8'), credentials));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const fake = new FakeProviderApis(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(
    req: IncomingMessage,
    res: ServerResponse,
    body: string,
    credentials: { alibaba: { id: string; secret: string }; huawei: { ak: string; sk: string } },
  ): void {
    const url = new URL(req.url ?? '/', this.origin);
    this.calls.push({ path: url.pathname, body });
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    if (this.mode === 'limited') {
      json(429, { error_code: 'APIG.0308', error_msg: 'The throttling threshold has been reached' }, { 'retry-after': '60' });
      return;
    }

    if (req.headers['x-acs-action']) {
      // Alibaba Cloud BSS QueryAccountBalance (ACS3-HMAC-SHA256)
      const expected = signAcs3(
        {
          method: req.method ?? 'POST',
          host: String(req.headers.host),
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          action: String(req.headers['x-acs-action']),
          version: String(req.headers['x-acs-version']),
          body,
          date: String(req.headers['x-acs-date']),
          nonce: String(req.headers['x-acs-signature-nonce']),
        },
        credentials.alibaba.id,
        credentials.alibaba.secret,
      );
      if (req.headers.authorization !== expected.headers.authorization) {
        json(400, { Code: 'IncompleteSignature', Message: 'The request signature does not conform to Aliyun standards.', RequestId: 'fake' });
        return;
      }
      json(200, {
        Code: '200',
        Message: 'Successful!',
        RequestId: 'fake',
        Success: true,
        Data: { AvailableAmount: '1,234.56', AvailableCashAmount: '1,234.56', CreditAmount: '0', MybankCreditAmount: '0', Currency: 'CNY' },
      });
      return;
    }

    // Huawei Cloud (SDK-HMAC-SHA256): recompute the signature over the headers it says it signed.
    const authorization = req.headers.authorization ?? '';
    const match = /^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(authorization);
    if (!match || match[1] !== credentials.huawei.ak) {
      json(401, { error_code: 'APIG.0301', error_msg: 'Incorrect IAM authentication information' });
      return;
    }
    const signedHeaders = Object.fromEntries(match[2].split(';').map((name) => [name, String(req.headers[name])]));
    const expected = signSdkHmacSha256(
      { method: req.method ?? 'GET', url: url.toString().replace(this.origin, `http://${req.headers.host}`), headers: signedHeaders, body: body || undefined },
      credentials.huawei.ak,
      credentials.huawei.sk,
      { addHost: false },
    );
    if (expected.signature !== match[3]) {
      json(401, { error_code: 'APIG.0301', error_msg: 'Incorrect IAM authentication information: verify aksk signature fail' });
      return;
    }
    if (url.pathname === '/v3/projects') {
      json(200, { projects: [{ id: '0123456789abcdef0123456789abcdef', name: url.searchParams.get('name') }], links: { self: 'x' } });
      return;
    }
    if (/^\/v1\/[0-9a-f]{32}\/maas\/monitoring\/show-statistics$/.test(url.pathname)) {
      json(200, {
        total_request_count: 120,
        total_error_count: 3,
        total_token: 45.5,
        total_prompt_token: 30.25,
        total_completion_token: 15.25,
        total_completion_tasks: 0,
        total_infer_count: 0,
      });
      return;
    }
    json(404, { error_code: 'APIG.0101', error_msg: 'The API does not exist or has not been published in the environment' });
  }
}
