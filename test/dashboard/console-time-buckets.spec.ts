import { axisOf, chartSeries, requestsPerBucket } from '../../apps/console/src/time-buckets';
import type { Timeseries, TimeseriesSeries } from '../../apps/console/src/types';

const words = { total: 'Tokens', none: 'None', other: (n: number) => `Other (${n})` };

function series(key: string | null, tokens: number[], extra: Partial<TimeseriesSeries> = {}): TimeseriesSeries {
  const buckets = tokens.map((_, i) => `2026-11-24T0${i}:00:00.000+08:00`);
  return {
    key,
    label: key,
    other: false,
    groups: 1,
    requests: tokens.length,
    failedRequests: 0,
    totalTokens: tokens.reduce((a, b) => a + b, 0),
    costs: [],
    points: tokens.map((totalTokens, i) => ({ bucket: buckets[i], requests: totalTokens ? 1 : 0, failedRequests: 0, totalTokens, costs: [] })),
    ...extra,
  };
}

function timeseries(groupBy: string | null, list: TimeseriesSeries[], hours = 3): Timeseries {
  const buckets = Array.from({ length: hours }, (_, i) => `2026-11-24T0${i}:00:00.000+08:00`);
  return { range: 'today', unit: 'hour', from: buckets[0], to: '2026-11-24T02:30:00.000+08:00', groupBy, buckets, groups: list.length, series: list };
}

/** The chart draws what the server sends: a continuous axis, one dataset per series, named for people. */
describe('console chart series', () => {
  it('keeps every bucket of the axis, quiet ones as zero', () => {
    const data = timeseries(null, [series(null, [0, 10, 0])]);
    expect(axisOf(data).map((at) => new Date(at).toISOString().slice(11, 16))).toEqual(['16:00', '17:00', '18:00']);
    expect(chartSeries(data, words)).toEqual([{ label: 'Tokens', tokens: [0, 10, 0] }]);
    expect(requestsPerBucket(data)).toEqual([0, 1, 0]);
  });

  it('names each group (users with their email), the group without a value and the folded rest', () => {
    const data = timeseries('user', [
      series('u1', [5, 0, 1], { label: 'Ana', detail: 'ana@x.test' }),
      series(null, [1, 0, 0], { label: null }),
      series(null, [0, 2, 2], { other: true, groups: 4, label: null }),
    ]);
    expect(chartSeries(data, words).map((s) => s.label)).toEqual(['Ana <ana@x.test>', 'None', 'Other (4)']);
    expect(requestsPerBucket(data)).toEqual([2, 1, 2]);
  });
});
