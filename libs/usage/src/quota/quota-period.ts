import { DateTime } from 'luxon';
import type { QuotaPeriod } from './quota.entity';

export interface PeriodBounds {
  start: Date;
  end: Date;
}

const UNIT: Record<QuotaPeriod, 'minute' | 'day' | 'week' | 'month'> = { minute: 'minute', day: 'day', week: 'week', month: 'month' };

/**
 * The period containing `instant`, as `[start, end)` in the given IANA zone: calendar days,
 * ISO weeks (Monday first) and calendar months, so DST changes and :30/:45 offsets are exact.
 */
export function periodBounds(period: QuotaPeriod, instant: Date, timeZone: string): PeriodBounds {
  const local = DateTime.fromJSDate(instant, { zone: timeZone });
  const start = local.startOf(UNIT[period]);
  const end = start.plus({ [UNIT[period]]: 1 });
  return { start: start.toJSDate(), end: end.toJSDate() };
}
