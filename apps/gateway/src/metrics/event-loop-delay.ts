import { IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { Histogram } from 'prom-client';

/** The native timer's period: a stall shorter than this may fall between two of its ticks. */
const RESOLUTION_MS = 10;
const PERIOD_NS = RESOLUTION_MS * 1e6;
const NS_PER_S = 1e9;

/**
 * Feeds a Prometheus histogram (seconds) with the event loop's delay: how late a timer due every
 * 10 ms actually ran, so a synchronous stall (a large JSON parse, a GC pause, a core taken by
 * another process) shows up as one late tick of about its length, and the histogram's tail is the
 * latency the loop adds to every call in flight.
 *
 * Measured by perf_hooks' `monitorEventLoopDelay`: a libuv timer in C++ recording into an HDR
 * histogram, with no JavaScript per tick — the JS timer this replaces cost an idle gateway a third
 * of its CPU (a hundred callbacks a second, their observations and their garbage). `fold()` runs at
 * each scrape (the histogram's `collect`) and observes the ticks recorded since the last scrape at
 * bucket resolution, each at its bucket's median delay. The native histogram is never reset: a
 * reset drops the interval that follows it, which would hide a stall right after a scrape.
 */
export class EventLoopDelayMonitor {
  private readonly monitor: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  /** Per bucket (and +Inf): how many ticks at most that late have been observed so far. */
  private readonly folded: number[];

  constructor(
    private readonly histogram: Histogram,
    private readonly buckets: readonly number[],
  ) {
    this.folded = [...buckets, Infinity].map(() => 0);
  }

  start(): void {
    this.monitor.enable();
  }

  stop(): void {
    this.monitor.disable();
  }

  fold(): void {
    const ticks = this.monitor.count;
    if (ticks === this.folded[this.buckets.length]) return;
    const limits = [...this.buckets, Infinity];
    // cumulative ticks at most `le` late, since the start (never fewer than already observed)
    const atMost: number[] = [];
    for (const [i, le] of limits.entries()) {
      const counted = le === Infinity ? ticks : Math.round(ticks * this.shareAtMost(PERIOD_NS + le * NS_PER_S));
      atMost.push(Math.max(counted, this.folded[i], atMost[i - 1] ?? 0));
    }
    const now = perBucket(atMost);
    const before = perBucket(this.folded);
    for (let i = 0; i < limits.length; i++) {
      const fresh = now[i] - before[i];
      if (fresh <= 0) continue;
      const middleShare = (atMost[i] - now[i] / 2) / ticks; // the bucket's median tick, as a share of all
      const delay = Math.max(0, this.monitor.percentile(middleShare * 100) - PERIOD_NS) / NS_PER_S;
      for (let n = 0; n < fresh; n++) this.histogram.observe(delay);
    }
    this.folded.splice(0, this.folded.length, ...atMost);
  }

  /** The share of recorded intervals at most `ns` long (the HDR histogram's percentiles, inverted). */
  private shareAtMost(ns: number): number {
    if (ns >= this.monitor.max) return 1;
    if (ns < this.monitor.min) return 0;
    let low = 0;
    let high = 100;
    for (let step = 0; step < 30; step++) {
      const mid = (low + high) / 2;
      if (this.monitor.percentile(mid) <= ns) low = mid;
      else high = mid;
    }
    return low / 100;
  }
}

/** Cumulative counts (at most each bound) → counts per bucket. */
function perBucket(cumulative: readonly number[]): number[] {
  return cumulative.map((count, i) => count - (i > 0 ? cumulative[i - 1] : 0));
}
