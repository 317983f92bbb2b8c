// `npm run bench:reports`: seeds millions of synthetic usage events (and their quarter-hour
// rollups, as the metering writer keeps them) across thousands of users and dozens of
// departments, then times a month's department CSV and a 7-day summary through the real admin
// API. BENCH_EVENTS (default 2,000,000), BENCH_USERS (2,000), BENCH_DEPARTMENTS (40).
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { sleep, startStack } from '../lib/stack.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000_000);
const USERS = Number(process.env.BENCH_USERS ?? 2_000);
const DEPARTMENTS = Number(process.env.BENCH_DEPARTMENTS ?? 40);
const log = (message) => process.stderr.write(`${message}\n`);

const { stack, admin, dataDir, pgPort } = await startStack({
  dataDirPrefix: 'tollgate-bench-reports-',
  adminEmail: 'finance-bench@example.com',
  env: { APP_TIMEZONE: 'Asia/Shanghai' },
});

const credentials = JSON.parse(readFileSync(join(dataDir, 'pg-credentials.json'), 'utf8'));
const db = new Client({ host: '127.0.0.1', port: pgPort, user: credentials.user, password: credentials.password, database: 'tollgate' });
await db.connect();

const now = new Date();
const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
const monthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
let t = Date.now();
log(`seeding ${EVENTS.toLocaleString()} events over ${USERS} users in ${DEPARTMENTS} departments (previous month + this one)…`);
await db.query(`INSERT INTO departments (name) SELECT '部门-' || g FROM generate_series(1, $1) g`, [DEPARTMENTS]);
await db.query(
  `INSERT INTO users (email, name, role, department_id)
   SELECT 'user' || g || '@bench.example', 'User ' || g, 'developer', (SELECT id FROM departments ORDER BY name OFFSET (g % $2) LIMIT 1)
   FROM generate_series(1, $1) g`,
  [USERS, DEPARTMENTS],
);
await db.query(`INSERT INTO providers (name, kind, base_url, encrypted_credentials) VALUES ('bench', 'openai', 'http://127.0.0.1:9/v1', 'v1.x.x.x.x')`);
await db.query(`CREATE TEMP TABLE bench_users AS SELECT row_number() OVER (ORDER BY id) AS n, id, department_id FROM users WHERE email LIKE '%@bench.example'`);
await db.query(`CREATE UNIQUE INDEX ON bench_users (n)`);
// ~two months of events, spread evenly, 5 models, ~2% failures, CNY and USD models
const span = (Date.now() - monthStart.getTime()) / 1000;
const batch = 500_000;
for (let offset = 0; offset < EVENTS; offset += batch) {
  await db.query(
    `INSERT INTO usage_events (id, created_at, user_id, department_id, api_key_id, provider_id, model, endpoint, stream, status, latency_ms,
                               prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, total_tokens, cost, currency, estimated)
     SELECT gen_random_uuid(), $1::timestamptz + make_interval(secs => (g::double precision * $2 / $3)), u.id, u.department_id, u.id,
            (SELECT id FROM providers WHERE name = 'bench'), 'model-' || (g % 5), 'chat.completions', g % 3 = 0, CASE WHEN g % 50 = 0 THEN 502 ELSE 200 END, 100 + g % 900,
            100 + g % 400, 50 + g % 200, g % 30, 0, 150 + g % 400 + g % 200, ((100 + g % 400) * 0.0000008 + (50 + g % 200) * 0.000002)::numeric,
            CASE WHEN g % 5 = 4 THEN 'USD' ELSE 'CNY' END, false
     FROM generate_series($4::bigint, $5::bigint) g JOIN bench_users u ON u.n = 1 + g % $6`,
    [monthStart, span, EVENTS, offset, Math.min(offset + batch, EVENTS) - 1, USERS],
  );
  log(`  ${Math.min(offset + batch, EVENTS).toLocaleString()} events (${((Date.now() - t) / 1000).toFixed(0)} s)`);
}
await db.query(
  `INSERT INTO usage_rollups (bucket_start, user_id, department_id, provider_id, model, currency, requests, failed_requests, prompt_tokens,
                              completion_tokens, cached_tokens, reasoning_tokens, total_tokens, cost)
   SELECT to_timestamp(floor(extract(epoch FROM created_at) / 900) * 900), user_id, department_id, provider_id, model, currency, count(*),
          count(*) FILTER (WHERE status >= 400), sum(prompt_tokens), sum(completion_tokens), sum(cached_tokens), sum(reasoning_tokens), sum(total_tokens), sum(cost)
   FROM usage_events GROUP BY 1, 2, 3, 4, 5, 6`,
);
await db.query('ANALYZE');
const [{ events, rollups }] = (
  await db.query(`SELECT (SELECT count(*) FROM usage_events)::bigint AS events, (SELECT count(*) FROM usage_rollups)::bigint AS rollups`)
).rows;
log(`seeded ${Number(events).toLocaleString()} events → ${Number(rollups).toLocaleString()} rollup rows in ${((Date.now() - t) / 1000).toFixed(0)} s`);

const { accessToken } = await (
  await fetch(`${admin}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'finance-bench@example.com', password: 'bench-password' }),
  })
).json();
const auth = { authorization: `Bearer ${accessToken}` };
const adminPid = () => {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('apps/admin-api/main.js')) return Number(entry);
    } catch {
      /* gone */
    }
  }
};
const rss = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    return NaN;
  }
};
const pid = adminPid();

async function timed(label, url) {
  const before = rss(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rss(pid))), 50);
  const started = performance.now();
  const res = await fetch(url, { headers: auth });
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - started;
  clearInterval(sampler);
  return {
    label,
    status: res.status,
    ms: Math.round(ms),
    bytes: body.length,
    lines: body.toString('utf8').split('\r\n').length - 1,
    rssBeforeMb: Math.round(before),
    rssPeakMb: Math.round(peak),
    body,
  };
}

const ymd = (d) => d.toISOString().slice(0, 10);
const lastDay = new Date(monthEnd.getTime() - 86_400_000);
const results = [];
for (const [label, path] of [
  ['month CSV by department', `/api/reports/usage.csv?from=${ymd(monthStart)}&to=${ymd(lastDay)}&groupBy=department`],
  ['month CSV by department, user, model, day', `/api/reports/usage.csv?from=${ymd(monthStart)}&to=${ymd(lastDay)}&groupBy=department,user,model,day`],
  ['7-day summary by user (top 5)', `/api/usage/summary?range=7d&groupBy=user&limit=5`],
  ['month summary by department', `/api/usage/summary?range=30d&groupBy=department`],
]) {
  const result = await timed(label, `${admin}${path}`);
  results.push(result);
  log(`${label}: ${result.status} in ${result.ms} ms, ${result.lines} lines, admin RSS ${result.rssBeforeMb} → peak ${result.rssPeakMb} MB`);
}
// the CSV sums exactly to the events of that month
const [header, ...csv] = results[0].body
  .toString('utf8')
  .replace(/^\uFEFF/, '')
  .trim()
  .split('\r\n');
const requestsColumn = header.split(',').indexOf('requests');
const csvRequests = csv.reduce((sum, line) => sum + Number(line.split(',')[requestsColumn]), 0);
const [{ n }] = (
  await db.query(
    `SELECT count(*)::bigint AS n FROM usage_events WHERE created_at >= $1::date::timestamp AT TIME ZONE 'Asia/Shanghai' AND created_at < $2::date::timestamp AT TIME ZONE 'Asia/Shanghai'`,
    [ymd(monthStart), ymd(monthEnd)],
  )
).rows;
console.log(`\nreports over ${Number(events).toLocaleString()} events (${Number(rollups).toLocaleString()} rollup rows):`);
for (const r of results)
  console.log(`  ${r.label.padEnd(44)} ${String(r.ms).padStart(6)} ms  ${String(r.lines).padStart(8)} lines  admin RSS peak ${r.rssPeakMb} MB`);
console.log(
  `  month CSV requests ${csvRequests.toLocaleString()} = events in that month ${Number(n).toLocaleString()}: ${csvRequests === Number(n) ? 'exact' : 'MISMATCH'}`,
);
await db.end();
stack.kill('SIGTERM');
await sleep(1000);
process.exit(0);
