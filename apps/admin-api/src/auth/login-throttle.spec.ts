import { TooManyRequestsError } from '../common/errors';
import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  let now = 1_000_000;
  const clock = () => now;
  const limits = { windowMs: 60_000, perAccount: 3, perAddress: 5, maxKeys: 4 };

  beforeEach(() => {
    now = 1_000_000;
  });

  it('refuses the attempt after the limit, with Retry-After until the oldest failure leaves the window', () => {
    const throttle = new LoginThrottle(limits, clock);
    for (let i = 0; i < 3; i++) {
      throttle.begin('A@x', '1.1.1.1');
      now += 1000;
    }
    let error: unknown;
    try {
      throttle.begin('a@x', '1.1.1.1'); // case-insensitive account
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect((error as TooManyRequestsError).headers['retry-after']).toBe('57');
    now += 57_001;
    expect(() => throttle.begin('a@x', '1.1.1.1')).not.toThrow();
  });

  it('counts per account and address, and per address over all accounts', () => {
    const throttle = new LoginThrottle(limits, clock);
    for (let i = 0; i < 3; i++) throttle.begin('a@x', '1.1.1.1');
    expect(() => throttle.begin('a@x', '2.2.2.2')).not.toThrow(); // another address
    expect(() => throttle.begin('b@x', '1.1.1.1')).not.toThrow(); // 4th failure from 1.1.1.1
    expect(() => throttle.begin('c@x', '1.1.1.1')).not.toThrow(); // 5th
    expect(() => throttle.begin('d@x', '1.1.1.1')).toThrow(TooManyRequestsError); // spraying stops
  });

  it('forgives the attempt and the account’s earlier failures on success', () => {
    const throttle = new LoginThrottle(limits, clock);
    throttle.begin('a@x', '1.1.1.1');
    throttle.begin('a@x', '1.1.1.1');
    throttle.succeed(throttle.begin('a@x', '1.1.1.1'));
    for (let i = 0; i < 3; i++) expect(() => throttle.begin('a@x', '1.1.1.1')).not.toThrow();
    expect(() => throttle.begin('a@x', '1.1.1.1')).toThrow(TooManyRequestsError);
  });

  it('keeps at most maxKeys entries, dropping the least recently failed', () => {
    const throttle = new LoginThrottle(limits, clock);
    for (let i = 0; i < 10; i++) throttle.begin(`user-${i}@x`, `10.0.0.${i}`);
    expect((throttle as unknown as { failures: Map<string, number[]> }).failures.size).toBeLessThanOrEqual(4);
  });
});
