import { periodBounds } from './quota-period';

const iso = (d: Date) => d.toISOString();

describe('periodBounds', () => {
  it('starts weeks on Monday in the configured zone', () => {
    // Sunday 2026-11-29 23:30 in Shanghai is still the week that began Monday 2026-11-23
    const { start, end } = periodBounds('week', new Date('2026-11-29T15:30:00Z'), 'Asia/Shanghai');
    expect(iso(start)).toBe('2026-11-22T16:00:00.000Z');
    expect(iso(end)).toBe('2026-11-29T16:00:00.000Z');
  });

  it('handles half-hour and 45-minute offsets', () => {
    expect(iso(periodBounds('day', new Date('2026-11-24T20:00:00Z'), 'Asia/Kolkata').start)).toBe('2026-11-24T18:30:00.000Z');
    expect(iso(periodBounds('day', new Date('2026-11-24T18:00:00Z'), 'Asia/Kolkata').start)).toBe('2026-11-23T18:30:00.000Z');
    expect(iso(periodBounds('day', new Date('2026-11-24T20:00:00Z'), 'Asia/Kathmandu').start)).toBe('2026-11-24T18:15:00.000Z');
    expect(iso(periodBounds('day', new Date('2026-11-24T20:00:00Z'), 'Australia/Eucla').start)).toBe('2026-11-24T15:15:00.000Z');
  });

  it('gives a 23-hour day when DST starts and a 25-hour day when it ends', () => {
    const spring = periodBounds('day', new Date('2026-03-08T12:00:00Z'), 'America/New_York');
    expect((spring.end.getTime() - spring.start.getTime()) / 3_600_000).toBe(23);
    const autumn = periodBounds('day', new Date('2026-11-01T12:00:00Z'), 'America/New_York');
    expect((autumn.end.getTime() - autumn.start.getTime()) / 3_600_000).toBe(25);
  });

  it('uses calendar months and minutes', () => {
    const month = periodBounds('month', new Date('2026-02-15T00:00:00Z'), 'UTC');
    expect([iso(month.start), iso(month.end)]).toEqual(['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
    const minute = periodBounds('minute', new Date('2026-02-15T00:00:42.5Z'), 'Asia/Kolkata');
    expect([iso(minute.start), iso(minute.end)]).toEqual(['2026-02-15T00:00:00.000Z', '2026-02-15T00:01:00.000Z']);
  });

  it('rolls over exactly at the boundary', () => {
    const before = periodBounds('day', new Date('2026-11-24T15:59:59.999Z'), 'Asia/Shanghai');
    const after = periodBounds('day', new Date('2026-11-24T16:00:00.000Z'), 'Asia/Shanghai');
    expect(after.start.getTime()).toBe(before.end.getTime());
  });
});
