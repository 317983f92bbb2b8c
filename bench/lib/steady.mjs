// A steady, open-loop load: one call every 1/rate seconds, whatever the answers do, on a pool of
// keep-alive connections, each body read to its end. Latency counts from the moment a call was
// due, not from when a connection was free, so a stall delays (and is charged to) every call due
// during it — the coordinated-omission correction of wrk2.
//
// Why not autocannon's `overallRate`: it gives each connection rate/connections calls per second
// and lets it send them back to back at the start of each second, then idles. At 500/s over 32
// connections that is a 32-wide burst every second, so its "p99 at 500/s" measures how long a
// target takes to drain a burst (its throughput), not the tail a steady stream of users sees.
//
// The first `warmupSeconds` run at the same rate but are not counted (wrk2 leaves out its first
// 10 s the same way): every target is measured right after a full-throughput run, and the first
// second or two of a steady rate measure the load generator's own recovery from it (its garbage,
// code paths not yet compiled) and the target's, for the direct provider as much as for a gateway.
// Failures are counted throughout.
//
// Each run is a fresh node process of its own (this file run as a script), like wrk2: in the
// bench's process the generator would carry the heap of every earlier run (autocannon's
// histograms, earlier targets' latencies), and its garbage collections would be charged to
// whichever target is measured last.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { Pool } = require('undici');

const WARMUP_SECONDS = Number(process.env.BENCH_STEADY_WARMUP ?? 2);

/**
 * Runs `rate` calls/s for `warmupSeconds` + `seconds` against `target` ({url, headers}) from a
 * process of its own; latency percentiles in ms over the calls due after the warm-up; `ok` and
 * `errors` count every call.
 */
export function steady(target, { rate, seconds, body, connections = 64, warmupSeconds = WARMUP_SECONDS }) {
  const job = JSON.stringify({ target: { url: target.url, headers: target.headers }, rate, seconds, body, connections, warmupSeconds });
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [fileURLToPath(import.meta.url), job],
      { maxBuffer: 1 << 20 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout, (_key, value) => value ?? NaN))), // NaN travels as null
    ),
  );
}

async function generate({ target, rate, seconds, body, connections, warmupSeconds }) {
  const url = new URL(target.url);
  const pool = new Pool(url.origin, { connections, pipelining: 1 });
  const latencies = [];
  let ok = 0;
  let failed = 0;
  const interval = 1000 / rate;
  const warmupCalls = Math.round(rate * warmupSeconds);
  const total = warmupCalls + Math.round(rate * seconds);
  const inFlight = new Set();
  const call = async (due, counted) => {
    try {
      const res = await pool.request({ method: 'POST', path: url.pathname, headers: target.headers, body });
      await res.body.text();
      if (res.statusCode < 200 || res.statusCode >= 300) failed++;
      else {
        ok++;
        if (counted) latencies.push(performance.now() - due);
      }
    } catch {
      failed++;
    }
  };
  const start = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const pending = call(start + sent * interval, sent >= warmupCalls);
        inFlight.add(pending);
        void pending.finally(() => inFlight.delete(pending));
        sent++;
      }
      if (sent >= total) return resolve();
      setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  await pool.close();
  latencies.sort((a, b) => a - b);
  const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : NaN);
  return { ok, errors: failed, p50: pct(50), p90: pct(90), p99: pct(99), p999: pct(99.9), max: latencies.at(-1) ?? NaN };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(await generate(JSON.parse(process.argv[2]))));
}
