// Tollgate dashboard: plain ES module, no build step. Every value is inserted with textContent.
const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem('tollgate.token'), me: null, range: 'today', chart: null };
const number = new Intl.NumberFormat();

async function api(path, options = {}) {
  const res = await fetch(`/api${path}`, {
    ...options,
    headers: { 'content-type': 'application/json', ...(state.token ? { authorization: `Bearer ${state.token}` } : {}) },
  });
  if (res.status === 401 && path !== '/auth/login') {
    signOut();
    throw new Error('session ended');
  }
  const body = res.status === 204 ? null : await res.json();
  if (!res.ok) throw Object.assign(new Error(body?.message ?? `HTTP ${res.status}`), { status: res.status });
  return body;
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function table(columns, rows, testId) {
  if (rows.length === 0) return el('p', 'No usage in this range.', 'muted');
  const t = el('table');
  if (testId) t.dataset.testid = testId;
  const head = t.createTHead().insertRow();
  for (const column of columns) {
    const th = el('th', column.label);
    th.scope = 'col';
    head.appendChild(th);
  }
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const column of columns) tr.appendChild(el('td', column.value(row)));
  }
  return t;
}

function unavailable(target, error) {
  target.replaceChildren(el('p', error?.status === 403 ? 'Not available for your role.' : `Could not load: ${error?.message ?? error}`, 'unavailable'));
}

const can = {
  usage: () => ['admin', 'finance', 'team_lead'].includes(state.me?.role),
  providers: () => ['admin', 'finance'].includes(state.me?.role),
};

function sumRows(rows) {
  const totals = { requests: 0, failedRequests: 0, promptTokens: 0, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, totalTokens: 0, cost: {} };
  for (const row of rows) {
    for (const key of ['requests', 'failedRequests', 'promptTokens', 'completionTokens', 'cachedTokens', 'reasoningTokens', 'totalTokens']) totals[key] += row[key];
    if (row.currency) totals.cost[row.currency] = (totals.cost[row.currency] ?? 0) + Number(row.cost);
  }
  return totals;
}

function renderTotals(rows) {
  const totals = sumRows(rows);
  const cards = [
    ['Requests', number.format(totals.requests), 'requests'],
    ['Failed', number.format(totals.failedRequests), 'failed'],
    ['Total tokens', number.format(totals.totalTokens), 'tokens'],
    ['Prompt tokens', number.format(totals.promptTokens), 'prompt'],
    ['Completion tokens', number.format(totals.completionTokens), 'completion'],
    ['Cached tokens', number.format(totals.cachedTokens), 'cached'],
    ['Reasoning tokens', number.format(totals.reasoningTokens), 'reasoning'],
    ...Object.entries(totals.cost).map(([currency, cost]) => [`Cost (${currency})`, cost.toFixed(4), `cost-${currency}`]),
  ];
  $('totals').replaceChildren(
    ...cards.map(([label, value, key]) => {
      const card = el('div', undefined, 'card');
      card.append(el('div', label, 'label'), el('div', value, 'value'));
      card.dataset.metric = key;
      return card;
    }),
  );
}

function renderChart(series) {
  const labels = [...new Set(series.points.map((p) => p.bucket.slice(0, series.unit === 'hour' ? 16 : 10).replace('T', ' ')))];
  const tokens = labels.map((label) => series.points.filter((p) => p.bucket.replace('T', ' ').startsWith(label)).reduce((s, p) => s + p.totalTokens, 0));
  const requests = labels.map((label) => series.points.filter((p) => p.bucket.replace('T', ' ').startsWith(label)).reduce((s, p) => s + p.requests, 0));
  state.chart?.destroy();
  if (!window.Chart) return;
  state.chart = new window.Chart($('chart'), {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'Tokens', data: tokens, backgroundColor: '#0b5fff', yAxisID: 'tokens' },
        { label: 'Requests', data: requests, type: 'line', borderColor: '#067647', yAxisID: 'requests' },
      ],
    },
    options: { maintainAspectRatio: false, animation: false, scales: { tokens: { position: 'left', beginAtZero: true }, requests: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } } } },
  });
}

const usageColumns = (first) => [
  first,
  { label: 'Requests', value: (r) => number.format(r.requests) },
  { label: 'Failed', value: (r) => number.format(r.failedRequests) },
  { label: 'Tokens', value: (r) => number.format(r.totalTokens) },
  { label: 'Cost', value: (r) => `${Number(r.cost).toFixed(4)} ${r.currency ?? ''}` },
];

async function load() {
  const range = state.range;
  const mine = !can.usage();
  $('scope').textContent = mine ? 'Your own usage' : state.me.role === 'team_lead' ? 'Your department' : 'All departments';
  const tasks = [];
  tasks.push(
    api(mine ? `/me/usage?range=${range}` : `/usage/summary?range=${range}`)
      .then((s) => renderTotals(s.rows))
      .catch((e) => unavailable($('totals'), e)),
  );
  tasks.push(
    api(mine ? `/me/usage/timeseries?range=${range === 'today' ? 'today' : range}` : `/usage/timeseries?range=${range}`)
      .then(renderChart)
      .catch(() => undefined),
  );
  if (!mine) {
    tasks.push(api(`/usage/summary?range=${range}&groupBy=department`).then((s) => $('by-department').replaceChildren(table(usageColumns({ label: 'Department', value: (r) => r.department ?? '—' }), s.rows, 'by-department'))).catch((e) => unavailable($('by-department'), e)));
    tasks.push(api(`/usage/summary?range=${range}&groupBy=user&limit=20`).then((s) => $('by-user').replaceChildren(table(usageColumns({ label: 'User', value: (r) => r.user ?? r.userId }), s.rows, 'by-user'))).catch((e) => unavailable($('by-user'), e)));
  }
  tasks.push(
    api(mine ? `/me/usage?range=${range}` : `/usage/summary?range=${range}&groupBy=model`)
      .then((s) => $('by-model').replaceChildren(table(usageColumns({ label: 'Model', value: (r) => r.model ?? '—' }), s.rows, 'by-model')))
      .catch((e) => unavailable($('by-model'), e)),
  );
  tasks.push(
    api('/me/quotas')
      .then((q) =>
        $('quotas').replaceChildren(
          q.items.length === 0
            ? el('p', 'No quota applies to you.', 'muted')
            : table(
                [
                  { label: 'Quota', value: (r) => `${r.scope} · ${r.period}` },
                  { label: 'Used', value: (r) => [r.used.tokens && r.limit.tokens ? `${number.format(r.used.tokens)} tok` : null, r.limit.requests ? `${number.format(r.used.requests)} req` : null, r.limit.cost ? r.used.cost : null].filter(Boolean).join(' · ') },
                  { label: 'Limit', value: (r) => [r.limit.tokens ? `${number.format(r.limit.tokens)} tok` : null, r.limit.requests ? `${number.format(r.limit.requests)} req` : null, r.limit.cost].filter(Boolean).join(' · ') },
                  { label: 'Remaining', value: (r) => [r.remaining.tokens, r.remaining.requests, r.remaining.cost].filter((v) => v !== null).map((v) => number.format(Number(v))).join(' · ') },
                  { label: 'Resets', value: (r) => new Date(r.resetsAt).toLocaleString() },
                ],
                q.items,
                'quotas',
              ),
        ),
      )
      .catch((e) => unavailable($('quotas'), e)),
  );
  if (can.providers()) {
    tasks.push(
      api('/providers/quota')
        .then((p) =>
          $('providers').replaceChildren(
            table(
              [
                { label: 'Provider', value: (r) => `${r.providerName} (${r.kind})` },
                { label: 'Status', value: (r) => r.status },
                { label: 'Balance', value: (r) => (r.balance ? `${r.balance.amount} ${r.balance.currency}` : '—') },
                { label: 'Model limits', value: (r) => String(r.limits.length) },
                { label: 'Reported requests', value: (r) => (r.usage ? number.format(r.usage.requests) : '—') },
                { label: 'Checked', value: (r) => new Date(r.takenAt).toLocaleString() },
              ],
              p.items,
              'providers',
            ),
          ),
        )
        .catch((e) => unavailable($('providers'), e)),
    );
  }
  tasks.push(
    api(mine ? '/me/usage/events?limit=20' : '/usage/events?limit=20')
      .then((page) =>
        $('recent').replaceChildren(
          table(
            [
              { label: 'Time', value: (r) => new Date(r.createdAt).toLocaleString() },
              { label: 'Model', value: (r) => r.model ?? '—' },
              { label: 'Status', value: (r) => r.status },
              { label: 'Tokens', value: (r) => number.format(r.totalTokens) },
              { label: 'Cost', value: (r) => `${r.cost} ${r.currency ?? ''}` },
              { label: 'Latency ms', value: (r) => r.latencyMs },
            ],
            page.items,
            'recent',
          ),
        ),
      )
      .catch((e) => unavailable($('recent'), e)),
  );
  await Promise.all(tasks);
  document.body.dataset.loaded = range;
}

async function start() {
  try {
    state.me = await api('/me');
  } catch {
    return showLogin();
  }
  $('who').textContent = `${state.me.email} · ${state.me.role.replace('_', ' ')}`;
  $('logout').hidden = false;
  $('login').hidden = true;
  $('board').hidden = false;
  for (const section of document.querySelectorAll('[data-needs]')) section.hidden = !can[section.dataset.needs]();
  await load();
}

function showLogin() {
  $('login').hidden = false;
  $('board').hidden = true;
  $('logout').hidden = true;
  $('email').focus();
}

function signOut() {
  sessionStorage.removeItem('tollgate.token');
  state.token = null;
  state.me = null;
  $('who').textContent = '';
  showLogin();
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-error').textContent = '';
  try {
    const { accessToken } = await api('/auth/login', { method: 'POST', body: JSON.stringify({ email: $('email').value, password: $('password').value }) });
    state.token = accessToken;
    sessionStorage.setItem('tollgate.token', accessToken);
    await start();
  } catch (error) {
    $('login-error').textContent = error.message;
  }
});

$('logout').addEventListener('click', signOut);

// Range radio group: click, or arrow keys as WAI-ARIA radio groups expect.
const radios = [...document.querySelectorAll('#ranges [role="radio"]')];
function choose(button) {
  for (const radio of radios) {
    radio.setAttribute('aria-checked', String(radio === button));
    radio.tabIndex = radio === button ? 0 : -1;
  }
  button.focus();
  state.range = button.dataset.range;
  void load();
}
radios.forEach((radio, i) => {
  radio.tabIndex = i === 0 ? 0 : -1;
  radio.addEventListener('click', () => choose(radio));
  radio.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowRight' || event.key === 'ArrowDown') choose(radios[(i + 1) % radios.length]);
    if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') choose(radios[(i - 1 + radios.length) % radios.length]);
  });
});

if (state.token) void start();
else showLogin();
