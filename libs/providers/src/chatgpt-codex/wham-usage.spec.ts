import { readWhamUsage } from './wham-usage';

describe('wham/usage', () => {
  it('reads the verbatim capture: plan, 5 h and 7 d windows, credits', () => {
    const body = JSON.parse(
      '{"user_id":"user-XXXX","account_id":"user-XXXX","email":"x@example.com","plan_type":"plus","rate_limit":{"allowed":true,"limit_reached":false,"primary_window":{"used_percent":0,"limit_window_seconds":18000,"reset_after_seconds":18000,"reset_at":1777923843},"secondary_window":{"used_percent":76,"limit_window_seconds":604800,"reset_after_seconds":355033,"reset_at":1778260876}},"code_review_rate_limit":null,"additional_rate_limits":null,"credits":{"has_credits":false,"unlimited":false,"overage_limit_reached":false,"balance":"0"},"spend_control":{"reached":false,"individual_limit":null},"rate_limit_reached_type":null,"promo":null,"referral_beacon":null}',
    );
    const usage = readWhamUsage(body);
    expect(usage).toMatchObject({ plan: 'plus', allowed: true, limitReached: false, credits: { hasCredits: false, unlimited: false, balance: '0' } });
    expect(usage.windows['5h']).toEqual({
      name: '5h',
      limitWindowSeconds: 18000,
      usedPercent: 0,
      remainingPercent: 100,
      resetAt: new Date(1777923843000).toISOString(),
      resetAfterSeconds: 18000,
      notStarted: false,
    });
    expect(usage.windows['7d']).toMatchObject({ usedPercent: 76, remainingPercent: 24, resetAt: new Date(1778260876000).toISOString() });
  });

  it('classifies by window length, never by position (swapped, weekly-only, unknown lengths)', () => {
    const swapped = readWhamUsage({
      rate_limit: {
        primary_window: { used_percent: 40, limit_window_seconds: 604800, reset_at: 1 },
        secondary_window: { used_percent: 95.5, limit_window_seconds: 18000, reset_at: 2 },
      },
    });
    expect(swapped.windows['7d'].usedPercent).toBe(40);
    expect(swapped.windows['5h'].usedPercent).toBe(95.5);
    const weekly = readWhamUsage({
      plan_type: 'pro',
      rate_limit: { primary_window: { used_percent: 3, limit_window_seconds: 604800 }, secondary_window: null },
    });
    expect(Object.keys(weekly.windows)).toEqual(['7d']);
    expect(
      readWhamUsage({ rate_limit: { primary_window: { used_percent: 1, limit_window_seconds: 3600, reset_after_seconds: 3600 } } }).windows['3600s'],
    ).toMatchObject({ notStarted: true });
  });

  it('tolerates missing windows, null rate limits, new fields and odd types', () => {
    expect(readWhamUsage({})).toEqual({ plan: null, allowed: null, limitReached: null, windows: {}, credits: null });
    expect(readWhamUsage({ rate_limit: null, credits: { balance: 9.99 }, something_new: { x: 1 } })).toMatchObject({
      windows: {},
      credits: { balance: '9.99', hasCredits: false },
    });
    expect(readWhamUsage({ rate_limit: { primary_window: { used_percent: 'n/a', limit_window_seconds: 18000 } } }).windows).toEqual({});
  });
});
