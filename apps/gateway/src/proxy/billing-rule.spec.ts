import { billingOf, CallOutcome } from './billing-rule';

const outcome = (overrides: Partial<CallOutcome>): CallOutcome => ({
  providerReportedUsage: false,
  forwarded: true,
  producedOutput: false,
  status: 200,
  ...overrides,
});

describe('billing rule', () => {
  it('bills the provider’s own counts whenever they arrived', () => {
    expect(billingOf(outcome({ providerReportedUsage: true }))).toBe('billed');
    expect(billingOf(outcome({ providerReportedUsage: true, status: 499, producedOutput: true }))).toBe('billed');
    expect(billingOf(outcome({ providerReportedUsage: true, status: 502 }))).toBe('billed');
  });

  it('estimates when the provider worked but reported nothing', () => {
    expect(billingOf(outcome({ producedOutput: true }))).toBe('estimated'); // success without usage
    expect(billingOf(outcome({ producedOutput: true, status: 502 }))).toBe('estimated'); // stream cut by the provider
    expect(billingOf(outcome({ producedOutput: true, status: 499 }))).toBe('estimated'); // client hung up mid-stream
    expect(billingOf(outcome({ producedOutput: false, status: 499 }))).toBe('estimated'); // client hung up before the first byte
  });

  it('is free when the provider was never reached or failed without output', () => {
    for (const status of [400, 401, 403, 404, 413, 429, 503]) expect(billingOf(outcome({ forwarded: false, status }))).toBe('free');
    expect(billingOf(outcome({ forwarded: false, status: 499 }))).toBe('free');
    expect(billingOf(outcome({ status: 500 }))).toBe('free');
    expect(billingOf(outcome({ status: 504 }))).toBe('free');
    expect(billingOf(outcome({ status: 400 }))).toBe('free');
  });
});
