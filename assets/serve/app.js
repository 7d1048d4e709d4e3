// The classroom page: draws the form of a scenario, sends Run, polls the job, shows
// its charts, facts and one run year by year. No library, no network beyond this
// server. The page's state is in <body data-state>: loading, ready, running, done,
// cancelled, failed, invalid.
'use strict';

const $ = (id) => document.getElementById(id);
let session = null;
let controls = null;
let current = null; // { job, status }
let previous = null;
let stepTimer = null;

async function api(method, path, body) {
  const opts = { method, headers: { 'X-Session': session || '' } };
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(path, opts);
  let data = {};
  try { data = await r.json(); } catch (e) { data = {}; }
  return { ok: r.ok, data };
}

function setState(s) { document.body.dataset.state = s; }

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function fmt(x) { return Number.isFinite(x) ? x.toFixed(3) : 'n/a'; }

function errorSpan(field) {
  return document.querySelector(`.err[data-for="${CSS.escape(field)}"]`);
}

function clearErrors() {
  document.querySelectorAll('.err').forEach((e) => { e.textContent = ''; });
}

function showErrors(errors) {
  for (const e of errors) {
    const span = errorSpan(e.field) || errorSpan('');
    span.textContent = e.message;
  }
}

// --- the form -------------------------------------------------------------------

function select(path, choices, now) {
  const s = el('select', { 'data-path': path, id: path });
  s.appendChild(el('option', { value: '' }, `${now} (as in the scenario)`));
  for (const c of choices) s.appendChild(el('option', { value: c.value }, c.label));
  s.addEventListener('change', () => s.classList.toggle('changed', s.value !== ''));
  return s;
}

function textInput(path, value) {
  const i = el('input', { 'data-path': path, id: path, size: 6, inputmode: 'decimal' });
  i.value = String(value);
  i.dataset.initial = i.value;
  i.addEventListener('input', () => i.classList.toggle('changed', i.value !== i.dataset.initial));
  return i;
}

function cellWith(control, path) {
  const td = el('td');
  td.appendChild(control);
  td.appendChild(el('span', { class: 'err block', 'data-for': path }));
  return td;
}

// A log scale for ranges that span orders of magnitude (choice_temperature).
function scale(s) {
  const log = s.min > 0 && s.max / s.min >= 1000;
  return {
    to: (v) => (log ? (Math.log(v) - Math.log(s.min)) / (Math.log(s.max) - Math.log(s.min)) : (v - s.min) / (s.max - s.min)),
    from: (t) => (log ? Math.exp(Math.log(s.min) + t * (Math.log(s.max) - Math.log(s.min))) : s.min + t * (s.max - s.min)),
  };
}

function drawForm(c) {
  controls = c;
  $('description').textContent = c.description;
  $('runs').value = c.runs;
  $('seed').value = c.seed;
  const body = document.querySelector('#venues tbody');
  body.replaceChildren();
  for (const v of c.venues) {
    const tr = el('tr');
    const name = el('td');
    name.appendChild(el('strong', {}, v.id));
    name.appendChild(el('div', { class: 'hint' }, v.name));
    tr.appendChild(name);
    const p = `venue.${v.id}`;
    tr.appendChild(cellWith(select(`${p}.membership`, c.membership_choices, v.membership), `${p}.membership`));
    tr.appendChild(cellWith(select(`${p}.decision`, c.decision_choices, v.decision), `${p}.decision`));
    tr.appendChild(cellWith(select(`${p}.stakeholders`, c.stakeholder_choices, v.stakeholders), `${p}.stakeholders`));
    tr.appendChild(cellWith(textInput(`${p}.transparency`, v.transparency), `${p}.transparency`));
    body.appendChild(tr);
  }
  const sliders = $('sliders');
  sliders.replaceChildren();
  for (const s of c.sliders) {
    const path = `parameters.${s.name}`;
    const sc = scale(s);
    const label = el('label');
    label.appendChild(el('code', {}, s.name));
    const range = el('input', { type: 'range', min: 0, max: 1000, 'aria-label': s.name });
    range.value = Math.round(sc.to(s.value) * 1000);
    const box = textInput(path, s.value);
    range.addEventListener('input', () => {
      box.value = String(Number(sc.from(range.value / 1000).toPrecision(3)));
      box.dispatchEvent(new Event('input'));
    });
    label.appendChild(range);
    label.appendChild(box);
    label.appendChild(el('span', { class: 'doc' }, `${s.doc} Range ${s.min} to ${s.max}.`));
    label.appendChild(el('span', { class: 'err block', 'data-for': path }));
    sliders.appendChild(label);
  }
}

function collectSets() {
  const sets = [];
  document.querySelectorAll('[data-path]').forEach((c) => {
    const changed = c.tagName === 'SELECT' ? c.value !== '' : c.value.trim() !== c.dataset.initial;
    if (changed) sets.push({ path: c.dataset.path, value: c.tagName === 'SELECT' ? c.value : c.value.trim() });
  });
  return sets;
}

async function loadScenario(path) {
  clearErrors();
  const r = await api('GET', `/api/scenario?path=${encodeURIComponent(path)}`);
  if (!r.ok) { showErrors(r.data.errors || []); return; }
  drawForm(r.data);
  $('command').textContent = '';
  setState('ready');
}

// --- running --------------------------------------------------------------------

async function run() {
  clearErrors();
  const form = {
    scenario: $('scenario').value,
    runs: $('runs').value,
    seed: $('seed').value,
    sets: collectSets(),
  };
  const r = await api('POST', '/api/run', form);
  if (!r.data.job) {
    showErrors(r.data.errors || [{ field: '', message: 'the server did not answer' }]);
    setState('invalid');
    return;
  }
  if (current && current.status && current.status.state === 'done') previous = current;
  current = { job: r.data.job, status: null, started: performance.now() };
  $('command').textContent = r.data.command;
  $('run').disabled = true;
  $('cancel').disabled = false;
  $('progress').hidden = false;
  setState('running');
  poll();
}

async function poll() {
  const job = current.job;
  const r = await api('GET', `/api/job?job=${job}`);
  if (!current || current.job !== job) return;
  if (!r.ok) { showErrors(r.data.errors || []); finish(); setState('failed'); return; }
  const st = r.data;
  current.status = st;
  $('bar').max = st.total;
  $('bar').value = st.done;
  $('progress-text').textContent = st.state === 'writing'
    ? `${st.total} runs done; writing tables and charts…`
    : `${st.done} of ${st.total} runs done`;
  if (st.state === 'running' || st.state === 'writing') {
    setTimeout(poll, 200);
    return;
  }
  finish();
  if (st.state === 'done') {
    await show();
  } else if (st.state === 'cancelled') {
    $('progress-text').textContent = `cancelled after ${st.done} of ${st.total} runs`;
  } else {
    showErrors([{ field: '', message: st.error || 'the run failed' }]);
  }
  setState(st.state);
}

function finish() {
  $('run').disabled = false;
  $('cancel').disabled = true;
}

async function cancel() {
  if (!current) return;
  await api('POST', `/api/cancel?job=${current.job}`);
}

function fileUrl(job, name) {
  return `/files/${job}/${name}?s=${encodeURIComponent(session)}`;
}

function drawColumn(div, res, title) {
  div.replaceChildren();
  const st = res.status;
  const o = st.outcome;
  div.appendChild(el('h4', {}, title));
  div.appendChild(el('pre', { class: 'command' }, st.command));
  div.appendChild(el('p', {}, `AMI in ${st.last_year}: ${fmt(o.ami.mean)} [${fmt(o.ami.lo)}, ${fmt(o.ami.hi)}]; ` +
    `fragmentation ${fmt(o.fragmentation.mean)} [${fmt(o.fragmentation.lo)}, ${fmt(o.fragmentation.hi)}] ` +
    `(mean [95 % CI] over ${o.ami.n} runs)`));
  const grid = el('div', { class: 'charts' });
  for (const c of o.charts) {
    grid.appendChild(el('img', { src: fileUrl(st.job, `plots/${c}`), alt: c, class: 'chart', 'data-chart': c }));
  }
  div.appendChild(grid);
}

async function show() {
  $('results').hidden = false;
  const keep = $('compare').checked && previous;
  drawColumn($('current'), current, `This run (#${current.job})`);
  // From Run to the new charts on screen (shown to nobody; the tests read it).
  await Promise.all([...document.querySelectorAll('#current img.chart')].map((i) => i.decode().catch(() => null)));
  $('current').dataset.millis = String(Math.round(performance.now() - current.started));
  $('previous').hidden = !keep;
  $('diff').textContent = '';
  if (keep) {
    drawColumn($('previous'), previous, `The previous run (#${previous.job})`);
    const r = await api('GET', `/api/compare?job=${current.job}&with=${previous.job}`);
    const d = r.data.diff;
    $('diff').textContent = d
      ? `AMI in the final year, this run minus the previous one: ${fmt(d.mean)} [95 % CI ${fmt(d.lo)}, ${fmt(d.hi)}] over ${d.n} paired seeds.`
      : 'The two runs share no seed: their AMI cannot be paired (use the same seed to compare).';
  }
  const facts = document.querySelector('#facts tbody');
  facts.replaceChildren();
  for (const f of current.status.outcome.facts) {
    const tr = el('tr');
    for (const t of [f.id, f.venue, f.recorded, f.years, `${f.reproduced} of ${f.runs}`, f.instead]) tr.appendChild(el('td', {}, t));
    facts.appendChild(tr);
  }
  $('facts').hidden = current.status.outcome.facts.length === 0;
  $('zip').href = `/api/zip?job=${current.job}&s=${encodeURIComponent(session)}`;
  $('report').href = fileUrl(current.job, 'report.html');
  const y = $('year');
  y.min = current.status.start_year;
  y.max = current.status.last_year;
  if (Number(y.value) < Number(y.min) || Number(y.value) > Number(y.max)) y.value = y.min;
  await step();
}

// --- one run, year by year --------------------------------------------------------

async function step() {
  if (!current || !current.status || current.status.state !== 'done') return;
  const job = current.job;
  const run = $('step-run').value.trim();
  const year = $('year').value;
  $('year-label').textContent = year;
  errorSpan('step').textContent = '';
  const q = `job=${job}&run=${encodeURIComponent(run)}&year=${year}`;
  const r = await api('GET', `/api/explain?${q}`);
  if (!r.ok) {
    errorSpan('step').textContent = (r.data.errors || [{ message: 'no explanation' }])[0].message;
    return;
  }
  $('explain').textContent = r.data.lines.join('\n');
  $('explain-command').textContent = r.data.command;
  $('frame').src = `/api/frame?${q}&s=${encodeURIComponent(session)}`;
}

function stepSoon() {
  clearTimeout(stepTimer);
  stepTimer = setTimeout(step, 150);
}

function move(by) {
  const y = $('year');
  y.value = Math.min(Number(y.max), Math.max(Number(y.min), Number(y.value) + by));
  step();
}

// --- start ----------------------------------------------------------------------

async function start() {
  const s = await api('POST', '/api/session');
  session = s.data.session;
  const list = await api('GET', '/api/scenarios');
  const sel = $('scenario');
  for (const e of list.data) sel.appendChild(el('option', { value: e.path }, `${e.name} (${e.path})`));
  const world = list.data.find((e) => e.path === 'scenarios/world.toml');
  if (world) sel.value = world.path;
  sel.addEventListener('change', () => loadScenario(sel.value));
  $('run').addEventListener('click', run);
  $('cancel').addEventListener('click', cancel);
  $('reset').addEventListener('click', () => loadScenario(sel.value));
  $('year').addEventListener('input', stepSoon);
  $('step-run').addEventListener('change', step);
  $('prev').addEventListener('click', () => move(-1));
  $('next').addEventListener('click', () => move(1));
  await loadScenario(sel.value);
}

start();
