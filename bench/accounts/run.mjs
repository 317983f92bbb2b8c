// `npm run bench:accounts`: the cost of upstream-account failover. Tollgate (the built stack,
// auth, quotas and metering on) in front of the benchmark's fake provider, three ways:
//   healthy           one healthy account
//   limited+healthy   a limited account (429, cooled for its Retry-After of 1 s) beside a healthy one
//   failover-every    the limited account cools for 1 ms and weighs 1000 to 1: nearly every call
//                     is answered 429 first and retried on the healthy account (the worst case)
// Prints req/s and latency for each (closed loop at CONNECTIONS, and the p99 at a steady BENCH_RATE/s,
// open loop: bench/lib/steady.mjs), and checks that every call was answered 200.
import { createRequire } from 'node:module';
import { chatBody } from '../lib/bodies.mjs';
import { seedDeveloper, sleep, startStack, startUpstream as startFakeUpstream } from '../lib/stack.mjs';
import { steady } from '../lib/steady.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const RATE = Number(process.env.BENCH_RATE ?? 500);

function startUpstream(retryAfter) {
  return startFakeUpstream({ BENCH_LIMITED_RETRY_AFTER: retryAfter });
}

async function startTollgate() {
  const { gateway, call, token, stop } = await startStack({
    dataDirPrefix: 'tollgate-bench-accounts-',
    env: { GATEWAY_WORKERS: process.env.GATEWAY_WORKERS ?? '1' },
  });
  const key = await seedDeveloper(call, token);
  return { gateway, key, call, token, stop };
}

/** Sets up one provider with its accounts and a model; returns how to load it. */
async function scenario(tollgate, name, upstream, accounts) {
  const { call, token } = tollgate;
  const provider = await call('POST', '/providers', token, { name, kind: 'openai', baseUrl: `${upstream}/v1`, apiKey: accounts[0].apiKey });
  const [first] = (await call('GET', `/providers/${provider.id}/accounts`, token)).items;
  await call('PATCH', `/providers/${provider.id}/accounts/${first.id}`, token, { weight: accounts[0].weight });
  for (const account of accounts.slice(1)) await call('POST', `/providers/${provider.id}/accounts`, token, account);
  const model = `bench-${name}`;
  await call('POST', '/models', token, { name: model, providerId: provider.id, inputPrice: '0.8', outputPrice: '2', currency: 'CNY' });
  const body = chatBody(model);
  const run = (duration) =>
    new Promise((resolve, reject) =>
      autocannon(
        {
          url: `${tollgate.gateway}/v1/chat/completions`,
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tollgate.key}` },
          body,
          duration,
          connections: CONNECTIONS,
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      ),
    );
  const target = { url: `${tollgate.gateway}/v1/chat/completions`, headers: { 'content-type': 'application/json', authorization: `Bearer ${tollgate.key}` } };
  const runSteady = () => steady(target, { rate: RATE, seconds: SECONDS, body });
  const failedAttempts = async () => (await call('GET', `/providers/${provider.id}/accounts`, token)).items.reduce((sum, a) => sum + a.failedAttempts, 0);
  return { name, run, runSteady, failedAttempts, samples: [] };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const tollgate = await startTollgate();
const scenarios = [];
try {
  const plain = await startUpstream('1');
  const fast = await startUpstream('0.001');
  scenarios.push(await scenario(tollgate, 'healthy', plain, [{ name: 'default', apiKey: 'sk-bench-upstream', weight: 1 }]));
  scenarios.push(
    await scenario(tollgate, 'limited+healthy', plain, [
      { name: 'default', apiKey: 'sk-bench-limited', weight: 1 },
      { name: 'healthy', apiKey: 'sk-bench-upstream', weight: 1 },
    ]),
  );
  scenarios.push(
    await scenario(tollgate, 'failover-every', fast, [
      { name: 'default', apiKey: 'sk-bench-limited', weight: 1000 },
      { name: 'healthy', apiKey: 'sk-bench-upstream', weight: 1 },
    ]),
  );
  await sleep(1500); // the catalog follows the change feed
  for (const s of scenarios) await s.run(2); // warm-up
  // Rounds interleave the scenarios, so a neighbour's load on a shared machine hits them alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of scenarios) {
      const result = await s.run(SECONDS);
      const steadyResult = await s.runSteady();
      s.samples.push({
        reqPerSec: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        steadyP99: steadyResult.p99,
        non2xx: result.non2xx + result.errors + steadyResult.errors,
        requests: result.requests.total + steadyResult.ok + steadyResult.errors,
      });
      process.stderr.write(
        `${s.name} round ${round + 1}: ${result.requests.average} req/s, p50 ${result.latency.p50} ms; steady ${RATE}/s p99 ${steadyResult.p99.toFixed(2)} ms\n`,
      );
    }
  }
  for (const s of scenarios) s.failed = await s.failedAttempts();
} finally {
  await tollgate.stop();
}
console.log(`\nmedian of ${ROUNDS} interleaved ${SECONDS}-s runs, ${CONNECTIONS} connections; then a steady ${RATE}/s (open loop)`);
console.log(`scenario          req/s    p50 ms  p99 ms  p99 @${RATE}/s  non-2xx  calls   failed attempts`);
for (const s of scenarios) {
  const total = s.samples.reduce((sum, x) => sum + x.requests, 0);
  const non2xx = s.samples.reduce((sum, x) => sum + x.non2xx, 0);
  console.log(
    `${s.name.padEnd(17)} ${median(s.samples.map((x) => x.reqPerSec))
      .toFixed(0)
      .padStart(6)}  ${String(median(s.samples.map((x) => x.p50))).padStart(6)}  ${String(median(s.samples.map((x) => x.p99))).padStart(6)}  ${median(
      s.samples.map((x) => x.steadyP99),
    )
      .toFixed(2)
      .padStart(11)}  ${String(non2xx).padStart(7)}  ${String(total).padStart(6)}  ${String(s.failed).padStart(15)}`,
  );
}
process.exit(0);
