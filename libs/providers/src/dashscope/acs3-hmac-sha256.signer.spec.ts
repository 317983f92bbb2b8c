import { createHash, createHmac } from 'node:crypto';
import { acsEncode, signAcs3 } from './acs3-hmac-sha256.signer';

/**
 * Checked against values our signer did not produce: the worked example of Alibaba Cloud's
 * "V3 request structure and signature" documentation (fixed credentials, date and nonce; the
 * published hash and signature, reproduced by independent implementations of the scheme), and a
 * request whose canonical form is written out here by hand, step by step.
 */
describe('ACS3-HMAC-SHA256 signer', () => {
  const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

  it("reproduces Alibaba Cloud's published V3 example (RunInstances on ECS)", () => {
    const signed = signAcs3(
      {
        method: 'POST',
        host: 'ecs.cn-shanghai.aliyuncs.com',
        query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
        action: 'RunInstances',
        version: '2014-05-26',
        date: '2023-10-26T10:22:32Z',
        nonce: '3156853299f313e23d1673dc12e1703d',
      },
      'YourAccessKeyId',
      'YourAccessKeySecret',
    );
    expect(signed.headers['x-acs-content-sha256']).toBe(EMPTY_SHA256);
    expect(createHash('sha256').update(signed.canonicalRequest).digest('hex')).toBe('7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
    expect(signed.signature).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
    expect(signed.headers.authorization).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,' +
        'Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    );
  });

  it('matches a canonical request derived by hand: sorted, RFC 3986-encoded query, a body, a path', () => {
    const body = '{"BillingCycle":"2026-11"}';
    const signed = signAcs3(
      {
        method: 'post',
        host: 'business.aliyuncs.com',
        path: '/bss/v1',
        query: { b: 'x y', a: "it's*~", 'c!': '(1)' },
        action: 'QueryAccountBalance',
        version: '2017-12-14',
        body,
        date: '2026-11-24T08:00:00Z',
        nonce: 'n-0001',
      },
      'LTAI-hand',
      'hand-secret',
    );
    // Step 1: the payload hash, of the exact body bytes
    const payloadHash = createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex');
    // Step 2: query sorted by encoded name; space → %20, ' ( ) * ! → %27 %28 %29 %2A %21, ~ kept
    const canonicalQuery = 'a=it%27s%2A~&b=x%20y&c%21=%281%29';
    // Step 3: host and every x-acs-* header, lower-case, sorted, "name:value\n" each
    const canonicalHeaders =
      'host:business.aliyuncs.com\n' +
      'x-acs-action:QueryAccountBalance\n' +
      `x-acs-content-sha256:${payloadHash}\n` +
      'x-acs-date:2026-11-24T08:00:00Z\n' +
      'x-acs-signature-nonce:n-0001\n' +
      'x-acs-version:2017-12-14\n';
    const signedHeaders = 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version';
    // Step 4: method (upper-case), path, query, headers, signed header names, payload hash — one per line
    const canonicalRequest = `POST\n/bss/v1\n${canonicalQuery}\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
    // Step 5: string to sign, then HMAC-SHA256 with the raw secret as key, lower-case hex
    const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = createHmac('sha256', Buffer.from('hand-secret', 'utf8')).update(stringToSign).digest('hex');

    expect(signed.canonicalQuery).toBe(canonicalQuery);
    expect(signed.canonicalRequest).toBe(canonicalRequest);
    expect(signed.signature).toBe(signature);
    expect(signed.headers.authorization).toBe(`ACS3-HMAC-SHA256 Credential=LTAI-hand,SignedHeaders=${signedHeaders},Signature=${signature}`);
  });

  it('encodes as RFC 3986 requires', () => {
    expect(acsEncode("a b*c~d!e'f(g)h/ü")).toBe('a%20b%2Ac~d%21e%27f%28g%29h%2F%C3%BC');
  });
});
