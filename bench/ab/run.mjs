// `npm run bench:ab -- <other checkout>`: is a change faster? One full bench run on a shared box
// cannot tell (the direct provider alone moves 20–40 % between runs). This runs two builds side by
// side — A: another checkout of this repository, built (`git worktree add ../base <rev>`, then
// `npm ci && npm run build` there, or a symlinked node_modules); B: this one — each a whole stack
// (embedded PostgreSQL, auth, two quotas, metering), idle while the other is measured, and
// interleaves open-loop steady runs (bench/lib/steady.mjs) in alternating order. Prints each run
// and the medians per build: p50, p99, and the gateway's CPU per call (all threads, from /proc).
// AB_KINDS (chat,stream,responses,messages), AB_ROUNDS (4), AB_SECONDS (8), BENCH_RATE (500).
import { resolve } from 'node:path';
import { chatBody, messagesBody, responsesBody } from '../lib/bodies.mjs';
import { cpuMicros, gatewayPids } from '../lib/proc.mjs';
import { ROOT, seedDeveloper, sleep, startStack as startThisStack, startUpstream } from '../lib/stack.mjs';
import { steady } from '../lib/steady.mjs';

const other = process.argv[2];
if (!other) {
  console.error('usage: node bench/ab/run.mjs <path of another built checkout>');
  process.exit(2);
}
const KINDS = (process.env.AB_KINDS ?? 'chat,stream,responses').split(',');
const ROUNDS = Number(process.env.AB_ROUNDS ?? 4);
const SECONDS = Number(process.env.AB_SECONDS ?? 8);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const UPSTREAM_KEY = 'sk-bench-upstream';
const BODIES = {
  chat: chatBody(),
  stream: chatBody('bench-model', { stream: true }),
  responses: responsesBody(),
  messages: messagesBody(),
};

/** A stack of one checkout, set up as the main bench sets up Tollgate. */
async function startBuild(name, startStack, upstream) {
  const { stack, gateway, call, token } = await startStack({ dataDirPrefix: `tollgate-ab-${name}-`, env: { GATEWAY_WORKERS: '1' } });
  const provider = await call('POST', '/providers', token, { name: 'bench', kind: 'openai', baseUrl: `${upstream}/v1`, apiKey: UPSTREAM_KEY });
  await call('POST', '/models', token, { name: 'bench-model', providerId: provider.id, inputPrice: '0.8', outputPrice: '2', currency: 'CNY' });
  const key = await seedDeveloper(call, token, { departmentQuota: true });
  const bearer = { 'content-type': 'application/json', authorization: `Bearer ${key}` };
  const targets = {
    chat: { url: `${gateway}/v1/chat/completions`, headers: bearer },
    stream: { url: `${gateway}/v1/chat/completions`, headers: bearer },
    responses: { url: `${gateway}/v1/responses`, headers: bearer },
    messages: { url: `${gateway}/v1/messages`, headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' } },
  };
  return { name, stack, targets, gatewayPids: () => gatewayPids(stack.pid) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const upstream = await startUpstream();
const otherStack = await import(resolve(other, 'bench', 'lib', 'stack.mjs'));
const builds = [await startBuild('A', otherStack.startStack, upstream), await startBuild('B', startThisStack, upstream)];
console.log(`A: ${resolve(other)}\nB: ${ROOT}\n${ROUNDS} rounds × ${KINDS.join(', ')} at ${RATE}/s for ${SECONDS} s each`);
await sleep(1500); // catalog and quota caches follow the change feed
for (const build of builds) await steady(build.targets.chat, { rate: 2000, seconds: 3, body: BODIES.chat }); // compiled and warm

const results = new Map();
for (let round = 0; round < ROUNDS; round++) {
  for (const kind of KINDS) {
    for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
      const pids = build.gatewayPids();
      const before = cpuMicros(pids);
      const run = await steady(build.targets[kind], { rate: RATE, seconds: SECONDS, body: BODIES[kind] });
      const perCall = (cpuMicros(pids) - before) / Math.max(1, run.ok + run.errors);
      const key = `${kind} ${build.name}`;
      results.set(key, [...(results.get(key) ?? []), { p50: run.p50, p99: run.p99, perCall }]);
      console.log(
        `round ${round} ${key.padEnd(12)} p50 ${run.p50.toFixed(2)} ms  p99 ${run.p99.toFixed(2)} ms  ${perCall.toFixed(0)} µs CPU per call  ${run.errors} errors`,
      );
    }
  }
}
console.log('\nmedians');
for (const [key, runs] of results) {
  const p50 = median(runs.map((r) => r.p50));
  const p99 = median(runs.map((r) => r.p99));
  const cpu = median(runs.map((r) => r.perCall));
  console.log(`${key.padEnd(12)} p50 ${p50.toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  ${cpu.toFixed(0)} µs CPU per call`);
}
for (const build of builds) build.stack.kill('SIGTERM');
await sleep(1500);
process.exit(0);
