import { createHash, createHmac, randomBytes } from 'node:crypto';

/** RFC 3986 percent-encoding, as Alibaba Cloud's V3 signature requires. */
export function acsEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface Acs3Request {
  method: string;
  host: string;
  path?: string;
  query: Record<string, string>;
  action: string;
  version: string;
  body?: string;
  /** Fixed values for tests; generated otherwise. */
  date?: string;
  nonce?: string;
}

/**
 * Alibaba Cloud OpenAPI V3 signing (ACS3-HMAC-SHA256): every x-acs-* header and host signed,
 * sorted; canonical query sorted by key with RFC 3986 encoding; payload hashed with SHA-256;
 * signature = hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical request)))).
 */
export function signAcs3(request: Acs3Request, accessKeyId: string, accessKeySecret: string) {
  const payloadHash = createHash('sha256')
    .update(request.body ?? '')
    .digest('hex');
  const headers: Record<string, string> = {
    host: request.host,
    'x-acs-action': request.action,
    'x-acs-content-sha256': payloadHash,
    'x-acs-date': request.date ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': request.nonce ?? randomBytes(16).toString('hex'),
    'x-acs-version': request.version,
  };
  const signedNames = Object.keys(headers).sort();
  const canonicalQuery = Object.keys(request.query)
    .sort()
    .map((key) => `${acsEncode(key)}=${acsEncode(request.query[key])}`)
    .join('&');
  const canonicalRequest = [
    request.method.toUpperCase(),
    request.path ?? '/',
    canonicalQuery,
    signedNames.map((name) => `${name}:${headers[name].trim()}\n`).join(''),
    signedNames.join(';'),
    payloadHash,
  ].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const signature = createHmac('sha256', accessKeySecret).update(stringToSign).digest('hex');
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${accessKeyId},SignedHeaders=${signedNames.join(';')},Signature=${signature}`;
  return { headers, canonicalQuery, canonicalRequest, signature };
}
