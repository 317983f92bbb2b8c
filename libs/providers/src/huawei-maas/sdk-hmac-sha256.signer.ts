import { createHash, createHmac } from 'node:crypto';

export interface SignableRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** RFC 3986 encoding with `~` unreserved, as the Huawei SDKs do. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalUri(pathname: string): string {
  const segments = pathname.split('/').map((segment) => encode(decodeURIComponent(segment)));
  const joined = segments.join('/');
  return joined.endsWith('/') ? joined : `${joined}/`;
}

/** Query pairs are taken raw from the URL string (URLSearchParams would turn `+` into a space). */
function canonicalQuery(search: string): string {
  const pairs = search
    .replace(/^\?/, '')
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [key, value = ''] = pair.split('=');
      return [encode(decodeURIComponent(key)), encode(decodeURIComponent(value))] as const;
    });
  pairs.sort(([ka, va], [kb, vb]) => (ka === kb ? (va < vb ? -1 : va > vb ? 1 : 0) : ka < kb ? -1 : 1));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

/** `20200608T023900Z` */
function sdkDate(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * Huawei Cloud APIG "SDK-HMAC-SHA256" (AK/SK) signing, as the official SDKs do it (providers.md
 * §2d): headers with `_` are not signed, the canonical URI always ends with `/`, the SK is the
 * HMAC key with no derivation. Returns the headers to send (X-Sdk-Date, Authorization, ...).
 */
export function signSdkHmacSha256(
  request: SignableRequest,
  accessKey: string,
  secretKey: string,
  options: { addHost?: boolean; now?: Date; unsignedHeaders?: string[] } = {},
) {
  const url = new URL(request.url);
  const headers: Record<string, string> = { ...request.headers };
  const dateHeader = Object.keys(headers).find((name) => name.toLowerCase() === 'x-sdk-date');
  if (!dateHeader) headers['X-Sdk-Date'] = sdkDate(options.now ?? new Date());
  if ((options.addHost ?? true) && !Object.keys(headers).some((name) => name.toLowerCase() === 'host')) headers.host = url.host;

  const signed = Object.keys(headers)
    .filter((name) => !name.includes('_'))
    .map((name) => name.toLowerCase())
    .filter((name) => !(options.unsignedHeaders ?? []).includes(name))
    .sort();
  const valueOf = (lower: string) => {
    const name = Object.keys(headers).find((key) => key.toLowerCase() === lower);
    if (name === undefined) throw new Error(`signed header ${lower} is missing`);
    return headers[name].trim();
  };
  const canonicalHeaders = signed.map((name) => `${name}:${valueOf(name)}\n`).join('');
  const contentHash = request.body ? createHash('sha256').update(request.body).digest('hex') : EMPTY_SHA256;
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.search),
    canonicalHeaders,
    signed.join(';'),
    contentHash,
  ].join('\n');
  const date = valueOf('x-sdk-date');
  const stringToSign = ['SDK-HMAC-SHA256', date, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const signature = createHmac('sha256', secretKey).update(stringToSign).digest('hex');
  headers.Authorization = `SDK-HMAC-SHA256 Access=${accessKey}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
  return { headers, canonicalRequest, stringToSign, signature };
}
