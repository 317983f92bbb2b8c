import { performance } from 'node:perf_hooks';
import type { Histogram } from 'prom-client';

const INTERVAL_MS = 10;

/**
 * Feeds a Prometheus histogram with the event loop's delay, the way perf_hooks'
 * monitorEventLoopDelay measures it: a timer due every 10 ms, and how late it actually ran. A
 * synchronous stall of the loop (a large JSON parse, a batch encode, a GC pause) shows up as one
 * late timer of about the stall's length, so the histogram's tail is the tail latency the loop
 * adds to every call in flight. The timer is unref'd and costs ~100 callbacks a second.
 */
export class EventLoopDelaySampler {
  private timer: NodeJS.Timeout | undefined;
  private expected = 0;

  constructor(private readonly histogram: Histogram) {}

  start(): void {
    this.expected = performance.now() + INTERVAL_MS;
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      const now = performance.now();
      this.histogram.observe(Math.max(0, now - this.expected) / 1000);
      this.expected = now + INTERVAL_MS;
      this.schedule();
    }, INTERVAL_MS);
    this.timer.unref();
  }
}
