import { Histogram, Registry } from 'prom-client';
import { EventLoopDelayMonitor } from './event-loop-delay';

const BUCKETS = [0.005, 0.02, 0.05, 0.1];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bucket counts as the scrape shows them. */
async function buckets(registry: Registry): Promise<Map<string, number>> {
  const metric = await registry.getSingleMetric('loop_delay_seconds')?.get();
  return new Map((metric?.values ?? []).filter((v) => v.labels.le !== undefined).map((v) => [String(v.labels.le), v.value]));
}

describe('EventLoopDelayMonitor (perf_hooks monitor folded into a Prometheus histogram at scrape)', () => {
  it('shows a 70 ms synchronous stall as a tick between 50 and 100 ms late, and quiet ticks as on time', async () => {
    const registry = new Registry();
    const histogram: Histogram = new Histogram({
      name: 'loop_delay_seconds',
      help: 'h',
      buckets: BUCKETS,
      registers: [registry],
      collect: (): void => monitor.fold(),
    });
    const monitor: EventLoopDelayMonitor = new EventLoopDelayMonitor(histogram, BUCKETS);
    monitor.start();
    try {
      await sleep(300); // quiet: ~30 ticks on time
      const quiet = await buckets(registry);
      expect(quiet.get('+Inf')).toBeGreaterThanOrEqual(10);
      expect(quiet.get('0.05')).toBeGreaterThanOrEqual(0.9 * (quiet.get('+Inf') ?? 0)); // a busy CI box may be late now and then

      const until = Date.now() + 70;
      while (Date.now() < until) {
        // a synchronous stall of the loop
      }
      await sleep(50);
      const stalled = await buckets(registry);
      const total = stalled.get('+Inf') ?? 0;
      expect(total).toBeGreaterThan(quiet.get('+Inf') ?? 0); // cumulative across scrapes
      // the tick due during the stall ran 60-70 ms late: counted above 50 ms and at most 100 ms
      expect((stalled.get('0.1') ?? 0) - (stalled.get('0.05') ?? 0)).toBeGreaterThanOrEqual(1);
      expect(total - (stalled.get('0.05') ?? 0)).toBeLessThanOrEqual(2);
    } finally {
      monitor.stop();
    }
  });
});
