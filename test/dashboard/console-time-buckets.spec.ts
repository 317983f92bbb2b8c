import { continuousBuckets, groupSeries } from '../../apps/console/src/time-buckets';
import type { Timeseries } from '../../apps/console/src/types';

const point = (bucket: string, totalTokens: number, extra: Record<string, unknown> = {}) => ({ bucket, currency: 'CNY', requests: 1, failedRequests: 0, totalTokens, cost: '0', ...extra });

/** The chart's time axis is continuous: every bucket of the range is there, quiet ones as zero. */
describe('console time buckets', () => {
  it('fills the hours of today between the points with zeros, on the points\' grid', () => {
    const series: Timeseries = { unit: 'hour', from: '2026-11-24T00:00:00.000Z', to: '2026-11-24T05:30:00.000Z', points: [point('2026-11-24T01:00:00.000Z', 10), point('2026-11-24T03:00:00.000Z', 30)] };
    const buckets = continuousBuckets(series);
    expect(buckets.map((b) => new Date(b.at).toISOString().slice(11, 16))).toEqual(['00:00', '01:00', '02:00', '03:00', '04:00', '05:00']);
    expect(buckets.map((b) => b.tokens)).toEqual([0, 10, 0, 30, 0, 0]);
  });

  it('anchors days on the midnights of APP_TIMEZONE (Asia/Shanghai), and sums currencies of one bucket', () => {
    const series: Timeseries = {
      unit: 'day',
      from: '2026-11-17T16:00:00.000Z',
      to: '2026-11-24T03:00:00.000Z',
      points: [point('2026-11-19T00:00:00.000+08:00', 5), point('2026-11-19T00:00:00.000+08:00', 7, { currency: 'USD' }), point('2026-11-24T00:00:00.000+08:00', 1)],
    };
    const buckets = continuousBuckets(series);
    expect(buckets).toHaveLength(7);
    expect(new Date(buckets[0].at).toISOString()).toBe('2026-11-17T16:00:00.000Z'); // 18 Nov 00:00 in Shanghai
    expect(buckets.map((b) => b.tokens)).toEqual([0, 12, 0, 0, 0, 0, 1]);
  });

  it('splits tokens by group when the points carry the dimension (top 6, the rest together)', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const series: Timeseries = { unit: 'hour', from: '2026-11-24T00:00:00.000Z', to: '2026-11-24T01:00:00.000Z', points: names.map((model, i) => point('2026-11-24T00:00:00.000Z', 100 - i, { model })) };
    const groups = groupSeries(series, 'model', continuousBuckets(series), 'Other');
    expect(groups.map((g) => g.label)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'Other']);
    expect(groups.find((g) => g.label === 'Other')!.data).toEqual([94 + 93]); // g and h
    expect(groupSeries({ ...series, points: series.points.map(({ model: _m, ...rest }) => rest) } as Timeseries, 'model', [], 'Other')).toEqual([]);
  });
});
