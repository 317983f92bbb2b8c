// `npm run bench`: the fake provider direct (the limit), through Portkey's open-source gateway
// (meters nothing), and through Tollgate (auth, quotas and metering on), in one run on this
// machine. Non-streaming throughput at fixed connections, a fixed-rate run for latency, and
// streaming time to first token. Prints a table and writes bench/results/latest.json.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, ROOT, seedDeveloper, sleep, startStack, startUpstream, track, waitFor } from './lib/stack.mjs';
import { chatBody, messagesBody, responsesBody } from './lib/bodies.mjs';
import { cpuMicros, gatewayPids, rssMb } from './lib/proc.mjs';
import { steady } from './lib/steady.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const { Pool } = require('undici');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const STREAM_CONCURRENCY = Number(process.env.BENCH_STREAM_CONCURRENCY ?? 4);
const UPSTREAM_KEY = 'sk-bench-upstream';
const BODY = chatBody();
const STREAM_BODY = chatBody('bench-model', { stream: true });

async function startPortkey(upstream) {
  const port = await freePort();
  const entry = join(ROOT, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
  const child = track(spawn(process.execPath, [entry, `--port=${port}`, '--headless'], { stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } }));
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/`, 30_000).catch(() => sleep(2000));
  return {
    url: `${base}/v1/chat/completions`,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${UPSTREAM_KEY}`,
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `${upstream}/v1`,
    },
    pids: [child.pid],
    stop: () => child.kill('SIGTERM'),
  };
}

async function startTollgate(upstream, workers = process.env.GATEWAY_WORKERS ?? '1') {
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const { stack, gateway, call, token } = await startStack({ dataDirPrefix: 'tollgate-bench-', env: { GATEWAY_WORKERS: String(workers) }, nodeArgs });
  const provider = await call('POST', '/providers', token, { name: 'bench', kind: 'openai', baseUrl: `${upstream}/v1`, apiKey: UPSTREAM_KEY });
  await call('POST', '/models', token, { name: 'bench-model', providerId: provider.id, inputPrice: '0.8', outputPrice: '2', currency: 'CNY' });
  const native = await call('POST', '/providers', token, {
    name: 'bench-messages',
    kind: 'openai',
    baseUrl: `${upstream}/v1`,
    apiKey: UPSTREAM_KEY,
    options: { messagesApi: 'native' },
  });
  await call('POST', '/models', token, { name: 'bench-claude', providerId: native.id, inputPrice: '0.8', outputPrice: '2', currency: 'CNY' });
  const nativeResponses = await call('POST', '/providers', token, {
    name: 'bench-responses',
    kind: 'openai',
    baseUrl: `${upstream}/v1`,
    apiKey: UPSTREAM_KEY,
    options: { responsesApi: 'native' },
  });
  await call('POST', '/models', token, { name: 'bench-codex', providerId: nativeResponses.id, inputPrice: '0.8', outputPrice: '2', currency: 'CNY' });
  // quotas on: every call is admitted against a user and a department quota (leased ledger)
  const key = await seedDeveloper(call, token, { departmentQuota: true });
  await sleep(1500); // catalog and quota caches follow the change feed
  const pids = () => gatewayPids(stack.pid);
  /** Usage events metered so far: all of them, and those the gateway answered with a 2xx. */
  const metered = async () => {
    const summary = await call('GET', '/usage/summary?range=today', token);
    const all = summary.rows.reduce((sum, row) => sum + row.requests, 0);
    const failed = summary.rows.reduce((sum, row) => sum + row.failedRequests, 0);
    return { all, ok: all - failed };
  };
  return {
    url: `${gateway}/v1/chat/completions`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    messages: { url: `${gateway}/v1/messages`, headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' } },
    responses: { url: `${gateway}/v1/responses`, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } },
    get pids() {
      return pids();
    },
    metered,
    stop: () => stack.kill('SIGTERM'),
  };
}

/** Runs `run` and returns its result with the target's CPU µs per call (`calls` picks the count). */
async function withCpu(target, run, calls) {
  const pids = target.pids ?? [];
  const before = cpuMicros(pids);
  const result = await run();
  const used = cpuMicros(pids) - before;
  const n = calls(result);
  return { result, cpuUsPerCall: pids.length && n > 0 ? used / n : NaN };
}

function cannon(target, options) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: target.url, method: 'POST', headers: target.headers, body: BODY, duration: SECONDS, connections: CONNECTIONS, ...options },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** Streaming: time to the first `data:` event and whole-stream time, at a fixed concurrency. */
async function streams(target, body = STREAM_BODY) {
  const url = new URL(target.url);
  const pool = new Pool(url.origin, { connections: STREAM_CONCURRENCY });
  const ttft = [];
  let ok = 0;
  let errors = 0;
  const until = Date.now() + SECONDS * 1000;
  const worker = async () => {
    while (Date.now() < until) {
      const started = performance.now();
      try {
        const res = await pool.request({ method: 'POST', path: url.pathname, headers: target.headers, body });
        let first = true;
        for await (const chunk of res.body) {
          if (first && chunk.toString().includes('data:')) {
            ttft.push(performance.now() - started);
            first = false;
          }
        }
        if (res.statusCode === 200) ok++;
        else errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: STREAM_CONCURRENCY }, worker));
  await pool.close();
  ttft.sort((a, b) => a - b);
  const pct = (p) => (ttft.length ? ttft[Math.min(ttft.length - 1, Math.floor((p / 100) * ttft.length))] : NaN);
  return { streams: ok, errors, perSecond: ok / SECONDS, ttftP50: pct(50), ttftP99: pct(99) };
}

const answeredCalls = (r) => r['2xx'] + r.non2xx;

async function measure(name, target) {
  process.stderr.write(`\n== ${name}\n`);
  const samples = [];
  const sampler = setInterval(() => target.pids && samples.push(rssMb(target.pids)), 500);
  const warmup = await cannon(target, { duration: 2 }); // warm-up: pools, JIT, leases
  const { result: throughput, cpuUsPerCall } = await withCpu(target, () => cannon(target, {}), answeredCalls);
  process.stderr.write(`   throughput: ${throughput.requests.average} req/s, ${cpuUsPerCall.toFixed(0)} µs CPU per call\n`);
  // A steady RATE/s (open loop, latency from when each call was due): chat, then chat / Messages /
  // Responses streams (whole-stream latency). See bench/lib/steady.mjs.
  const { result: fixed, cpuUsPerCall: fixedCpu } = await withCpu(
    target,
    () => steady(target, { rate: RATE, seconds: SECONDS, body: BODY }),
    (r) => r.ok + r.errors,
  );
  process.stderr.write(`   steady ${RATE} req/s: p50 ${fixed.p50.toFixed(2)} ms, p99 ${fixed.p99.toFixed(2)} ms, ${fixedCpu.toFixed(0)} µs CPU per call\n`);
  const fixedStream = { chat: await steady(target, { rate: RATE, seconds: SECONDS, body: STREAM_BODY }) };
  if (target.messages) fixedStream.messages = await steady(target.messages, { rate: RATE, seconds: SECONDS, body: messagesBody('bench-model') });
  if (target.responses) fixedStream.responses = await steady(target.responses, { rate: RATE, seconds: SECONDS, body: responsesBody('bench-model') });
  process.stderr.write(
    `   steady ${RATE} streams/s: p99 ${Object.entries(fixedStream)
      .map(([k, r]) => `${k} ${r.p99.toFixed(2)} ms`)
      .join(', ')}\n`,
  );
  // autocannon's `overallRate` sends each second's calls in a burst per connection: kept as a
  // second figure (how fast a burst of CONNECTIONS drains), not as the steady-rate tail.
  const burst = await cannon(target, { overallRate: RATE });
  process.stderr.write(`   burst (autocannon overallRate ${RATE}): p99 ${burst.latency.p99} ms\n`);
  const { result: stream, cpuUsPerCall: streamCpu } = await withCpu(
    target,
    () => streams(target),
    (r) => r.streams + r.errors,
  );
  stream.cpuUsPerCall = streamCpu;
  process.stderr.write(`   streaming: ${stream.perSecond.toFixed(0)} streams/s, TTFT p50 ${stream.ttftP50.toFixed(2)} ms\n`);
  let messages = null;
  if (target.messages) {
    const translated = await streams(target.messages, messagesBody('bench-model'));
    const native = await streams(target.messages, messagesBody('bench-claude'));
    process.stderr.write(`   Messages streaming: translated TTFT p50 ${translated.ttftP50.toFixed(2)} ms, native ${native.ttftP50.toFixed(2)} ms\n`);
    messages = { translated, native };
  }
  let responses = null;
  if (target.responses) {
    const translated = await streams(target.responses, responsesBody('bench-model'));
    const native = await streams(target.responses, responsesBody('bench-codex'));
    process.stderr.write(`   Responses streaming: translated TTFT p50 ${translated.ttftP50.toFixed(2)} ms, native ${native.ttftP50.toFixed(2)} ms\n`);
    responses = { translated, native };
  }
  clearInterval(sampler);
  const runs = [warmup, throughput, burst];
  const steadyRuns = [fixed, ...Object.values(fixedStream)];
  const messageStreams = [messages, responses].reduce((sum, pair) => sum + (pair ? pair.translated.streams + pair.native.streams : 0), 0);
  const messageErrors = [messages, responses].reduce((sum, pair) => sum + (pair ? pair.translated.errors + pair.native.errors : 0), 0);
  const served2xx = runs.reduce((sum, r) => sum + r['2xx'], 0) + steadyRuns.reduce((sum, r) => sum + r.ok, 0) + stream.streams + messageStreams;
  const answered =
    runs.reduce((sum, r) => sum + r['2xx'] + r.non2xx, 0) +
    steadyRuns.reduce((sum, r) => sum + r.ok + r.errors, 0) +
    stream.streams +
    stream.errors +
    messageStreams +
    messageErrors;
  const third = Math.floor(samples.length / 3);
  const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  return {
    name,
    reqPerSec: throughput.requests.average,
    p50: throughput.latency.p50,
    p99: throughput.latency.p99,
    cpuUsPerCall,
    errors: throughput.errors + throughput.non2xx,
    fixedRate: { rate: RATE, p50: fixed.p50, p90: fixed.p90, p99: fixed.p99, p999: fixed.p999, errors: fixed.errors, cpuUsPerCall: fixedCpu },
    fixedStreams: Object.fromEntries(Object.entries(fixedStream).map(([k, r]) => [k, { p50: r.p50, p99: r.p99, p999: r.p999, errors: r.errors }])),
    burst: { rate: RATE, connections: CONNECTIONS, p50: burst.latency.p50, p99: burst.latency.p99, errors: burst.errors + burst.non2xx },
    stream,
    messages,
    responses,
    memoryMb: samples.length
      ? {
          start: samples[0],
          peak: Math.max(...samples),
          end: samples[samples.length - 1],
          firstThird: mean(samples.slice(0, third)),
          lastThird: mean(samples.slice(-third)),
          seconds: samples.length / 2,
          series: samples.map((mb) => Math.round(mb)),
        }
      : null,
    served2xx,
    answered,
  };
}

/** Throughput only, through a second stack with GATEWAY_WORKERS=n (how it scales on this machine). */
async function scalingLine(upstream, workers) {
  const target = await startTollgate(upstream, workers);
  try {
    await cannon(target, { duration: 2 });
    const { result, cpuUsPerCall } = await withCpu(target, () => cannon(target, {}), answeredCalls);
    return { workers, reqPerSec: result.requests.average, p99: result.latency.p99, cpuUsPerCall };
  } finally {
    target.stop();
    await sleep(1500);
  }
}

const only = process.env.BENCH_ONLY?.split(','); // e.g. "tollgate" or "direct,tollgate" while profiling
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version, loadBefore: loadavg().map((l) => l.toFixed(2)) };
process.stderr.write(
  `bench: ${machine.cores} × ${machine.cpu}, Node ${machine.node}, load ${machine.loadBefore.join(' ')}; ${SECONDS} s per run, ${CONNECTIONS} connections, steady ${RATE}/s\n`,
);
const upstream = await startUpstream();
const direct =
  only && !only.includes('direct')
    ? null
    : await measure('direct', {
        url: `${upstream}/v1/chat/completions`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${UPSTREAM_KEY}` },
        messages: { url: `${upstream}/v1/messages`, headers: { 'content-type': 'application/json', 'x-api-key': UPSTREAM_KEY } },
        responses: { url: `${upstream}/v1/responses`, headers: { 'content-type': 'application/json', authorization: `Bearer ${UPSTREAM_KEY}` } },
      });

let portkey = null;
try {
  if (!only || only.includes('portkey')) {
    const target = await startPortkey(upstream);
    portkey = await measure('portkey', target);
    target.stop(); // measured alone, like the others: not idling beside Tollgate's run
    await sleep(1000);
  }
} catch (error) {
  process.stderr.write(`portkey skipped: ${error.message}\n`);
}

let tollgate = null;
let metering = null;
try {
  if (only && !only.includes('tollgate')) throw new Error('not selected');
  const target = await startTollgate(upstream);
  const before = await target.metered();
  tollgate = await measure('tollgate', target);
  await sleep(2000); // the batch writer commits every ~100 ms
  const after = await target.metered();
  // Calls the load generator abandons when a run ends are cancelled at the provider and metered
  // as client hang-ups (499); the 2xx the clients saw must match the 2xx events exactly.
  metering = { served2xx: tollgate.served2xx, metered2xx: after.ok - before.ok, meteredAll: after.all - before.all };
  target.stop();
  await sleep(1500);
} catch (error) {
  process.stderr.write(`tollgate skipped: ${error.stack ?? error.message}\n`);
}

// GATEWAY_WORKERS scaling (throughput only): 1 worker is the run above; BENCH_SCALING=0 skips.
const scaling = [];
if (tollgate && process.env.BENCH_SCALING !== '0') {
  scaling.push({ workers: Number(process.env.GATEWAY_WORKERS ?? 1), reqPerSec: tollgate.reqPerSec, p99: tollgate.p99, cpuUsPerCall: tollgate.cpuUsPerCall });
  try {
    const two = await scalingLine(upstream, 2);
    process.stderr.write(`   GATEWAY_WORKERS=2: ${two.reqPerSec} req/s\n`);
    scaling.push(two);
  } catch (error) {
    process.stderr.write(`scaling skipped: ${error.message}\n`);
  }
}
machine.loadAfter = loadavg().map((l) => l.toFixed(2));

const rows = [direct, portkey, tollgate].filter(Boolean);
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '-');
const table = [
  [
    'target',
    'req/s',
    'p50 ms',
    'p99 ms',
    `p99 @${RATE}/s`,
    'stream',
    'Messages',
    'Responses',
    'burst p99',
    'streams/s',
    'TTFT p50',
    'TTFT p99',
    'errors',
    'CPU µs/call',
    'peak RSS MB',
  ],
  ...rows.map((r) => [
    r.name,
    fmt(r.reqPerSec),
    fmt(r.p50, 1),
    fmt(r.p99, 1),
    fmt(r.fixedRate.p99, 2),
    fmt(r.fixedStreams.chat?.p99, 2),
    fmt(r.fixedStreams.messages?.p99, 2),
    fmt(r.fixedStreams.responses?.p99, 2),
    fmt(r.burst.p99, 1),
    fmt(r.stream.perSecond),
    fmt(r.stream.ttftP50, 2),
    fmt(r.stream.ttftP99, 2),
    String(r.errors + r.fixedRate.errors + r.burst.errors + r.stream.errors + Object.values(r.fixedStreams).reduce((sum, f) => sum + f.errors, 0)),
    fmt(r.cpuUsPerCall),
    r.memoryMb ? fmt(r.memoryMb.peak) : '-',
  ]),
];
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
const lines = table.map((row) => row.map((cell, i) => cell.padStart(widths[i])).join('  '));
const ratios = {
  tollgateVsPortkeyThroughput: tollgate && portkey ? tollgate.reqPerSec / portkey.reqPerSec : null,
  tollgateP99MinusDirectAtFixedRateMs: tollgate && direct ? tollgate.fixedRate.p99 - direct.fixedRate.p99 : null,
  /** Per steady stream kind (chat, Messages, Responses): Tollgate's p99 minus direct's. */
  tollgateStreamP99MinusDirectMs:
    tollgate && direct
      ? Object.fromEntries(Object.keys(tollgate.fixedStreams).map((k) => [k, tollgate.fixedStreams[k].p99 - (direct.fixedStreams[k]?.p99 ?? NaN)]))
      : null,
  tollgateTtftMinusDirectMs: tollgate && direct ? tollgate.stream.ttftP50 - direct.stream.ttftP50 : null,
};
const report = { at: new Date().toISOString(), machine, seconds: SECONDS, connections: CONNECTIONS, rate: RATE, rows, ratios, metering, scaling };
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify(report, null, 2));
console.log(
  `\nMachine: ${machine.cores} × ${machine.cpu}, Node ${machine.node}; load average ${machine.loadBefore.join(' ')} before, ${machine.loadAfter.join(' ')} after`,
);
console.log(
  `Runs: ${SECONDS} s each (throughput at ${CONNECTIONS} connections; a steady open-loop ${RATE}/s: chat, then chat / Messages / Responses streams, whole-stream latency from when each call was due; autocannon's bursty ${RATE}/s ('burst p99'); then streams at ${STREAM_CONCURRENCY} concurrent for TTFT)`,
);
console.log(`\n${lines.join('\n')}\n`);
if (portkey && portkey.stream.streams === 0 && portkey.stream.errors > 0) {
  console.log('Portkey streaming: every stream failed (its OpenAI stream path throws "TypeError: immutable" on Node 20 headers), so no TTFT for it');
}
if (ratios.tollgateVsPortkeyThroughput !== null) console.log(`Tollgate / Portkey throughput: ${ratios.tollgateVsPortkeyThroughput.toFixed(1)}x`);
if (ratios.tollgateP99MinusDirectAtFixedRateMs !== null)
  console.log(
    `Tollgate p99 − direct p99 at a steady ${RATE}/s: chat ${ratios.tollgateP99MinusDirectAtFixedRateMs.toFixed(2)} ms; streams ${Object.entries(
      ratios.tollgateStreamP99MinusDirectMs,
    )
      .map(([k, v]) => `${k} ${fmt(v, 2)} ms`)
      .join(', ')}`,
  );
if (ratios.tollgateTtftMinusDirectMs !== null) console.log(`Tollgate TTFT − direct TTFT (p50): ${ratios.tollgateTtftMinusDirectMs.toFixed(2)} ms`);
for (const row of [direct, tollgate].filter((r) => r?.messages)) {
  const { translated, native } = row.messages;
  console.log(
    `${row.name} streaming TTFT p50 / p99 (ms) — chat ${fmt(row.stream.ttftP50, 2)} / ${fmt(row.stream.ttftP99, 2)}, ` +
      `Messages translated ${fmt(translated.ttftP50, 2)} / ${fmt(translated.ttftP99, 2)}, Messages native ${fmt(native.ttftP50, 2)} / ${fmt(native.ttftP99, 2)}` +
      (translated.errors + native.errors ? ` (${translated.errors + native.errors} errors)` : ''),
  );
}
for (const row of [direct, tollgate].filter((r) => r?.responses)) {
  const { translated, native } = row.responses;
  console.log(
    `${row.name} streaming TTFT p50 / p99 (ms) — Responses translated ${fmt(translated.ttftP50, 2)} / ${fmt(translated.ttftP99, 2)}, Responses native ${fmt(native.ttftP50, 2)} / ${fmt(native.ttftP99, 2)}` +
      (translated.errors + native.errors ? ` (${translated.errors + native.errors} errors)` : ''),
  );
}
if (tollgate?.memoryMb) {
  const m = tollgate.memoryMb;
  console.log(
    `Tollgate gateway RSS over ${fmt(m.seconds)} s: start ${fmt(m.start)} MB, peak ${fmt(m.peak)} MB, end ${fmt(m.end)} MB; mean of first third ${fmt(m.firstThird)} MB, last third ${fmt(m.lastThird)} MB`,
  );
}
if (tollgate)
  console.log(
    `Tollgate gateway CPU per call (user + system, all threads): ${fmt(tollgate.cpuUsPerCall)} µs at full throughput, ${fmt(tollgate.fixedRate.cpuUsPerCall)} µs at ${RATE} req/s, ${fmt(tollgate.stream.cpuUsPerCall)} µs per stream`,
  );
if (scaling.length > 1)
  console.log(
    `GATEWAY_WORKERS scaling on this machine: ${scaling.map((s) => `${s.workers} → ${fmt(s.reqPerSec)} req/s (p99 ${fmt(s.p99, 1)} ms)`).join(', ')}`,
  );
if (metering) {
  // autocannon stops each run with up to CONNECTIONS calls in flight: the gateway finishes (and
  // meters) some of them after the client stopped reading, so they are metered but not "seen".
  const unseen = metering.metered2xx - metering.served2xx;
  // up to CONNECTIONS per autocannon run (warm-up, throughput, burst); the steady runs wait for every answer
  const verdict =
    unseen === 0
      ? 'exact'
      : unseen > 0 && unseen <= 3 * CONNECTIONS
        ? `every served call metered; ${unseen} more completed after the load generator stopped reading`
        : 'MISMATCH';
  console.log(
    `Metered vs served: ${metering.metered2xx} successful usage events for ${metering.served2xx} 2xx responses seen by clients — ${verdict}; ${metering.meteredAll - metering.metered2xx} abandoned calls metered as 499`,
  );
  metering.verdict = verdict;
}
process.exit(0);
