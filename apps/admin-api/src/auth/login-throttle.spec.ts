import { TooManyRequestsError } from '../common/errors';
import { LoginThrottle, ThrottleLimits } from './login-throttle';

describe('LoginThrottle', () => {
  let now = 1_000_000;
  const clock = () => now;
  const limits: ThrottleLimits = {
    windowMs: 60_000,
    freeFailures: 3,
    baseDelayMs: 1000,
    maxDelayMs: 8000,
    perAddress: 10,
    knownAddressMs: 3_600_000,
    maxKeys: 4,
  };
  const refusal = (fn: () => unknown): TooManyRequestsError | undefined => {
    try {
      fn();
    } catch (error) {
      if (error instanceof TooManyRequestsError) return error;
      throw error;
    }
    return undefined;
  };

  beforeEach(() => {
    now = 1_000_000;
  });

  it('delays an account after its free failures, the delay doubling up to the cap, from any address', () => {
    const throttle = new LoginThrottle(limits, clock);
    for (let i = 0; i < 3; i++) throttle.begin('A@x', `10.0.0.${i}`); // rotating addresses: counted per account
    const waits: string[] = [];
    for (let i = 0; i < 6; i++) {
      const refused = refusal(() => throttle.begin('a@x', `10.0.1.${i}`)); // case-insensitive account
      waits.push(refused?.headers['retry-after'] ?? 'none');
      now += Number(refused?.headers['retry-after'] ?? 0) * 1000; // the guesser waits exactly as told...
      throttle.begin('a@x', `10.0.2.${i}`); // ...and guesses again (a failure)
    }
    expect(waits).toEqual(['1', '2', '4', '8', '8', '8']);
  });

  it('never locks the account: after the capped delay the next attempt is checked', () => {
    const throttle = new LoginThrottle(limits, clock);
    for (let i = 0; i < 20; i++) {
      refusal(() => throttle.begin('admin@x', '6.6.6.6'));
      now += 100;
    }
    now += limits.maxDelayMs;
    expect(refusal(() => throttle.begin('admin@x', '7.7.7.7'))).toBeUndefined();
  });

  it('lets the owner in from an address they signed in from, while a guesser elsewhere is delayed', () => {
    const throttle = new LoginThrottle(limits, clock);
    throttle.succeed(throttle.begin('admin@x', '192.0.2.1'));
    for (let i = 0; i < 5; i++) refusal(() => throttle.begin('admin@x', '6.6.6.6'));
    expect(refusal(() => throttle.begin('admin@x', '6.6.6.7'))).toBeInstanceOf(TooManyRequestsError);
    expect(refusal(() => throttle.begin('admin@x', '192.0.2.1'))).toBeUndefined();
  });

  it('caps failures per address over all accounts (spraying), until the oldest leaves the window', () => {
    const throttle = new LoginThrottle({ ...limits, maxKeys: 100 }, clock);
    for (let i = 0; i < 10; i++) {
      throttle.begin(`user-${i}@x`, '1.1.1.1');
      now += 1000;
    }
    const refused = refusal(() => throttle.begin('fresh@x', '1.1.1.1'));
    expect(refused?.headers['retry-after']).toBe('50');
    expect(refusal(() => throttle.begin('fresh@x', '2.2.2.2'))).toBeUndefined();
    now += 50_001;
    expect(refusal(() => throttle.begin('fresh@x', '1.1.1.1'))).toBeUndefined();
  });

  it('forgives the attempt and the account’s earlier failures on success', () => {
    const throttle = new LoginThrottle(limits, clock);
    throttle.begin('a@x', '1.1.1.1');
    throttle.begin('a@x', '1.1.1.1');
    throttle.succeed(throttle.begin('a@x', '1.1.1.1'));
    for (let i = 0; i < 3; i++) expect(refusal(() => throttle.begin('a@x', '1.1.1.1'))).toBeUndefined();
    expect(refusal(() => throttle.begin('a@x', '1.1.1.1'))).toBeInstanceOf(TooManyRequestsError);
  });

  it('keeps at most maxKeys entries, dropping the least recently failed', () => {
    const throttle = new LoginThrottle(limits, clock);
    for (let i = 0; i < 10; i++) throttle.begin(`user-${i}@x`, `10.0.0.${i}`);
    expect((throttle as unknown as { failures: Map<string, number[]> }).failures.size).toBeLessThanOrEqual(4);
  });
});
