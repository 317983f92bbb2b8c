import { classifyConnectionError, classifyUpstreamError, parseRetryAfter } from './upstream-error-class';

describe('classifyUpstreamError: by the provider’s code first, the status only where the code says nothing more', () => {
  it.each([
    // bad credentials → auth (until edited)
    [401, 'invalid_api_key', '', 'auth'],
    [401, 'InvalidApiKey', '', 'auth'],
    [401, 'ModelArts.81003', '', 'auth'],
    [403, 'invalid_api_key', '', 'auth'],
    [401, null, '', 'auth'],
    // rate limits → cool down, retry elsewhere
    [429, 'Throttling.RateQuota', '', 'rate_limited'],
    [429, 'limit_requests', '', 'rate_limited'],
    [429, 'ModelArts.81101', '', 'rate_limited'],
    [429, 'Throttling.AllocationQuota', 'Allocated quota exceeded, please increase your quota limit.', 'rate_limited'],
    [429, null, '', 'rate_limited'],
    // spent quota or credit on this account → long cool-down, retry elsewhere
    [400, 'Arrearage', '', 'exhausted'],
    [429, 'PrepaidBillOverdue', '', 'exhausted'],
    [403, 'AllocationQuota.FreeTierOnly', '', 'exhausted'],
    [429, 'Throttling.AllocationQuota', 'Free allocated quota exceeded.', 'exhausted'],
    [401, 'ModelArts.81005', '', 'exhausted'],
    // provider failures → short cool-down, retry elsewhere
    [500, 'InternalError', '', 'unavailable'],
    [503, 'ModelUnavailable', '', 'unavailable'],
    [502, null, '', 'unavailable'],
    // about the request: answered at once, never held against the account
    [403, 'ModelArts.81011', '', 'final'],
    [403, 'Model.AccessDenied', '', 'final'],
    [403, 'Workspace.AccessDenied', '', 'final'],
    [400, 'InvalidParameter', '', 'final'],
    [400, 'DataInspectionFailed', '', 'final'],
    [400, null, '', 'final'],
    [404, 'ModelArts.81009', '', 'final'],
    [429, 'ModelArts.81113', 'messages max size is: 5000', 'final'],
    [401, 'ModelArts.81004', '', 'final'],
  ])('%i %s → %s', (status, code, message, kind) => {
    expect(classifyUpstreamError(status, code, message, undefined).kind).toBe(kind);
  });

  it('reads Retry-After in seconds or as a date, capped at an hour', () => {
    expect(classifyUpstreamError(429, 'x', '', '60').retryAfterMs).toBe(60_000);
    expect(parseRetryAfter(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThan(25_000);
    expect(parseRetryAfter('86400')).toBe(3_600_000);
    expect(parseRetryAfter('0')).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });

  it('retries connection failures elsewhere, never a first-byte timeout', () => {
    expect(classifyConnectionError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))?.kind).toBe('unavailable');
    expect(classifyConnectionError(Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' }))?.code).toBe('connect_timeout');
    expect(classifyConnectionError(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))).toBeNull();
  });
});
