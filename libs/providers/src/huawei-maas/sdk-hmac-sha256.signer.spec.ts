import { signSdkHmacSha256 } from './sdk-hmac-sha256.signer';

/** The official SDKs' known-answer vectors (huaweicloud-sdk-python-v3 and -go-v3 signer tests). */
describe('Huawei SDK-HMAC-SHA256 signer', () => {
  it('reproduces the Python SDK vector py1 (GET), canonical request included', () => {
    const signed = signSdkHmacSha256(
      {
        method: 'GET',
        url: 'https://service.endpoint.myhuaweicloud.com/resources?size=1',
        headers: { 'X-Sdk-Date': '20200608T023900Z', TEST_UNDERSCORE: 'TEST_VALUE' },
      },
      'AccessKey',
      'SecretKey',
    );
    expect(signed.canonicalRequest).toBe(
      'GET\n/resources/\nsize=1\nhost:service.endpoint.myhuaweicloud.com\nx-sdk-date:20200608T023900Z\n\nhost;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(signed.stringToSign).toBe('SDK-HMAC-SHA256\n20200608T023900Z\nde94dd1e1ccdb730b403ce35d7e14f7c7b04337f6def1c3a3a2ba936852b133f');
    expect(signed.headers.Authorization).toBe(
      'SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842',
    );
  });

  it('reproduces py2 (POST with a body)', () => {
    const signed = signSdkHmacSha256(
      {
        method: 'POST',
        url: 'https://service.endpoint.myhuaweicloud.com/resources?size=1',
        headers: { 'X-Sdk-Date': '20200608T023900Z', TEST_UNDERSCORE: 'TEST_VALUE' },
        body: '{"name":"test","id":1}',
      },
      'AccessKey',
      'SecretKey',
    );
    expect(signed.headers.Authorization).toBe(
      'SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f',
    );
  });

  it('reproduces the Go SDK vectors go1 and go2 (no host header added; content-type unsigned)', () => {
    const go1 = signSdkHmacSha256(
      { method: 'GET', url: 'https://example.huaweicloud.com/path?limit=1', headers: { 'X-Sdk-Date': '20060102T150405Z', TEST_UNDERSCORE: 'TEST_VALUE' } },
      'AccessKey',
      'SecretKey',
      { addHost: false },
    );
    expect(go1.headers.Authorization).toBe(
      'SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624',
    );
    const go2 = signSdkHmacSha256(
      {
        method: 'POST',
        url: 'https://example.huaweicloud.com/path?key=value',
        headers: { 'X-Sdk-Date': '20060102T150405Z', TEST_UNDERSCORE: 'TEST_VALUE', 'Content-Type': 'application/json' },
        body: '{"Name":"test","Id":1}\n',
      },
      'AccessKey',
      'SecretKey',
      { addHost: false, unsignedHeaders: ['content-type'] },
    );
    expect(go2.headers.Authorization).toBe(
      'SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59',
    );
  });
});
