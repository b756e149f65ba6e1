// app.js -- Vigil dashboard: dyad picker, cooperation/conflict timeline with
// alerts, event map (world-atlas boundaries, no tiles), event table and the
// explanation of an event.  Plain DOM + SVG; all text goes through
// textContent (news text is untrusted).  Bundled by web/build.sh.
import { feature } from 'topojson-client';

const SVG = 'http://www.w3.org/2000/svg';
const $ = (id) => document.getElementById(id);
const state = { dyad: '', by: 'week', from: '', to: '', cursor: null, filter: null, series: null, alerts: [] };
// Only the latest request of each kind may change the page: a quick second
// dyad pick or filter, or a second click on "more", must not show the rows
// or the chart of an answer that arrives late.  Each kind has a generation
// number and an AbortController; an answer of an older generation is
// dropped (and its fetch aborted).
const latest = { show: { gen: 0, ctl: null }, events: { gen: 0, ctl: null }, explain: { gen: 0, ctl: null } };
function begin(kind) {
  const k = latest[kind];
  if (k.ctl) k.ctl.abort();
  k.ctl = new AbortController();
  return { gen: ++k.gen, signal: k.ctl.signal };
}
const current = (kind, t) => latest[kind].gen === t.gen;
const aborted = (e) => e && e.name === 'AbortError';
let world = null;

function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) if (k != null) e.append(k instanceof Node ? k : String(k));
  return e;
}

function sv(tag, attrs = {}, title) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (title) { const t = document.createElementNS(SVG, 'title'); t.textContent = title; e.append(t); }
  return e;
}

async function api(path, params = {}, signal) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) q.set(k, v);
  const url = '/api/' + path + (q.toString() ? '?' + q : '');
  const r = await fetch(url, signal ? { signal } : {});
  const body = await r.json().catch(() => ({ error: 'bad response' }));
  if (!r.ok) throw new Error(`${path}: ${body.error || r.status}${body.param ? ' (' + body.param + ')' : ''}`);
  return body;
}

function status(msg) { $('status').textContent = msg || ''; }

// ---------------------------------------------------------------- picker

async function loadDyads() {
  const d = await api('dyads', { limit: 20 });
  const sel = $('dyad-select');
  const seen = new Set();
  for (const [label, list] of [['most hostile', d.hostile], ['most active', d.active]]) {
    const g = el('optgroup', { label });
    for (const r of list) {
      if (seen.has(r.dyad)) continue;
      seen.add(r.dyad);
      // each side by its name (a country, NATO, the UN, the EU...), its code when it has none
      const side = (code, name) => (name && name !== code ? `${name} (${code})` : code);
      g.append(el('option', { value: r.dyad, title: r.dyad },
        `${side(r.a, r.a_name)} – ${side(r.b, r.b_name)}: ${r.conflict} conflict / ${r.events}`));
    }
    if (g.children.length) sel.append(g);
  }
  return d;
}

function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  for (const k of ['dyad', 'by', 'from', 'to']) if (h.get(k)) state[k] = h.get(k);
}

function writeHash() {
  const h = new URLSearchParams();
  for (const k of ['dyad', 'by', 'from', 'to']) if (state[k]) h.set(k, state[k]);
  history.replaceState(null, '', '#' + h);
}

function syncControls() {
  $('dyad-input').value = state.dyad;
  $('dyad-select').value = [...$('dyad-select').options].some((o) => o.value === state.dyad) ? state.dyad : '';
  $('by').value = state.by;
  $('from').value = state.from;
  $('to').value = state.to;
}

// ---------------------------------------------------------------- timeline

function renderTimeline(s, alerts) {
  const svg = $('timeline');
  svg.replaceChildren();
  const W = svg.clientWidth || 800, H = svg.clientHeight || 260, L = 36, R = 8, T = 10, B = 22;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const n = s.periods.length;
  svg.dataset.periods = n;
  if (!n) {
    svg.append(sv('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'axis' })).textContent = 'no events';
    return;
  }
  const b = s.both;
  const coop = b.q1.map((v, i) => v + b.q2[i]), conf = b.q3.map((v, i) => v + b.q4[i]);
  const max = Math.max(1, ...coop, ...conf);
  const mid = T + (H - T - B) / 2, half = (H - T - B) / 2;
  const bw = (W - L - R) / n, x = (i) => L + i * bw, y = (v) => (v / max) * half;
  const start = (p) => periodIndex(s, p);
  for (const a of alerts) {
    const i0 = start(a.start), i1 = start(a.end);
    if (i1 < 0 || i0 >= n) continue;
    const a0 = Math.max(0, i0), a1 = Math.min(n - 1, i1 < 0 ? n - 1 : i1);
    svg.append(sv('rect', { class: 'alert-band', x: x(a0), y: T, width: (a1 - a0 + 1) * bw, height: H - T - B },
      `alert ${a.start} – ${a.end}: ${a.severity}`));
    svg.append(sv('path', { class: 'alert-mark', d: `M${x(a0) + bw / 2 - 5},${T} h10 l-5,8 z`, 'data-alert': a.start },
      `alert from ${a.start}`));
  }
  const g = sv('g', { 'data-testid': 'bars' });
  for (let i = 0; i < n; i++) {
    const tip = `${s.periods[i]}: ${b.events[i]} events — cooperation ${coop[i]} (material ${b.q2[i]}), ` +
      `conflict ${conf[i]} (material ${b.q4[i]}), Goldstein mean ${b.goldstein_mean[i]}`;
    const col = sv('g', { class: 'bar', 'data-period': s.periods[i] }, tip);
    const w = Math.max(1, bw - 1);
    const bar = (v, yy, fill) => v > 0 && col.append(sv('rect', { x: x(i), y: yy, width: w, height: y(v), fill }));
    bar(b.q1[i], mid - y(coop[i]), 'var(--coop)');
    bar(b.q2[i], mid - y(b.q2[i]), 'var(--coop2)');
    bar(b.q3[i], mid, 'var(--conf)');
    bar(b.q4[i], mid + y(b.q3[i]), 'var(--conf2)');
    col.append(sv('rect', { x: x(i), y: T, width: bw, height: H - T - B, fill: 'transparent' }));
    col.addEventListener('click', () => setFilter({ label: `period ${s.periods[i]}`, ...periodRange(s, i) }));
    g.append(col);
  }
  svg.append(g);
  svg.append(sv('line', { class: 'zero', x1: L, x2: W - R, y1: mid, y2: mid }));
  const lab = (t, xx, yy, anchor = 'start') => { const e = sv('text', { x: xx, y: yy, class: 'axis', 'text-anchor': anchor }); e.textContent = t; svg.append(e); };
  lab(`+${max}`, L - 4, T + 8, 'end');
  lab(`-${max}`, L - 4, H - B, 'end');
  lab('0', L - 4, mid + 3, 'end');
  const step = Math.max(1, Math.ceil(n / 8));
  for (let i = 0; i < n; i += step) lab(s.periods[i], x(i), H - 6);
}

function periodIndex(s, date) {
  const key = s.by === 'month' ? date.slice(0, 7) : date;
  let lo = -1;
  for (let i = 0; i < s.periods.length; i++) if (s.periods[i] <= key) lo = i;
  return lo;
}

function periodRange(s, i) {
  const first = s.by === 'month' ? s.periods[i] + '-01' : s.periods[i];
  let last;
  if (i + 1 < s.periods.length) {
    const nx = s.by === 'month' ? s.periods[i + 1] + '-01' : s.periods[i + 1];
    const d = new Date(nx + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() - 1);
    last = d.toISOString().slice(0, 10);
  } else last = s.to;
  return { from: first, to: last };
}

// ---------------------------------------------------------------- alerts

function renderAlerts(alerts) {
  const ul = $('alerts');
  ul.replaceChildren();
  if (!alerts.length) { ul.append(el('li', { class: 'none' }, 'No alerts for this dyad.')); return; }
  for (const a of alerts) {
    ul.append(el('li', {
      'data-start': a.start,
      onclick: () => setFilter(a.drivers.length
        ? { label: `events that drove the alert of ${a.start}`, ids: a.drivers.join(',') }
        : { label: `alert ${a.start} – ${a.end}`, from: a.start, to: a.end }),
    },
    el('div', {}, el('strong', {}, `${a.start} – ${a.end}`), a.ongoing ? ' (ongoing)' : ''),
    el('div', { class: 'sev' }, a.severity),
    el('div', {}, `${a.events} conflict events; peak ${a.peak7} in 7 days (baseline ${a.baseline7.toFixed(1)})`)));
  }
}

// ---------------------------------------------------------------- map

async function loadWorld() {
  if (world) return world;
  const r = await fetch('world.json');
  if (!r.ok) throw new Error('world.json missing');
  const topo = await r.json();
  world = feature(topo, topo.objects.countries).features;
  return world;
}

function fitView(places) {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const p of places) { x0 = Math.min(x0, p.lon); x1 = Math.max(x1, p.lon); y0 = Math.min(y0, p.lat); y1 = Math.max(y1, p.lat); }
  if (!places.length) { x0 = -170; x1 = 170; y0 = -60; y1 = 75; }
  const pad = Math.max(1.5, (x1 - x0) * 0.15, (y1 - y0) * 0.15);
  return { x0: x0 - pad, x1: x1 + pad, y0: Math.max(-85, y0 - pad), y1: Math.min(85, y1 + pad) };
}

function ringPath(ring, proj) {
  let d = '';
  for (let i = 0; i < ring.length; i++) {
    const [px, py] = proj(ring[i]);
    d += (i ? 'L' : 'M') + px.toFixed(1) + ',' + py.toFixed(1);
  }
  return d + 'Z';
}

function renderMap(places, countries) {
  const svg = $('map');
  svg.replaceChildren();
  const W = svg.clientWidth || 500, H = svg.clientHeight || 360;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const hot = places.filter((p) => p.conflict > 0);
  const v = fitView(hot.length ? hot : places);
  const k = Math.cos(((v.y0 + v.y1) / 2) * Math.PI / 180);   // equirectangular, true at the centre
  const sx = W / ((v.x1 - v.x0) * k), sy = H / (v.y1 - v.y0), s = Math.min(sx, sy);
  const cx = (v.x0 + v.x1) / 2, cy = (v.y0 + v.y1) / 2;
  const proj = ([lon, lat]) => [W / 2 + (lon - cx) * k * s, H / 2 - (lat - cy) * s];
  const g = sv('g', { 'data-testid': 'countries' });
  for (const f of countries) {
    const geom = f.geometry;
    if (!geom) continue;
    const polys = geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates;
    let d = '';
    for (const poly of polys) {
      const [minx, maxx] = poly[0].reduce(([a, b], [x]) => [Math.min(a, x), Math.max(b, x)], [Infinity, -Infinity]);
      if (maxx < v.x0 - 20 || minx > v.x1 + 20) continue;
      for (const ring of poly) d += ringPath(ring, proj);
    }
    if (d) g.append(sv('path', { class: 'country', d }, f.properties && f.properties.name));
  }
  svg.append(g);
  const max = Math.max(1, ...places.map((p) => p.events));
  const pg = sv('g', { 'data-testid': 'places' });
  for (const p of places) {
    const [px, py] = proj([p.lon, p.lat]);
    const share = p.events ? p.conflict / p.events : 0;
    const tone = share > 0.5 ? (p.material_conflict > 0 ? 'c-conf2' : 'c-conf') : 'c-coop';
    // places not in the text (the actors' country) are drawn hollow (style.css)
    const c = sv('circle', { class: `place ${tone}${p.from_actor ? ' from-actor' : ''}`, cx: px.toFixed(1), cy: py.toFixed(1),
      r: (3 + 14 * Math.sqrt(p.events / max)).toFixed(1) },
      `${p.name || '?'} (${p.country || '?'})${p.from_actor ? ', the actors\' country (no place in the text)' : ''}: ` +
      `${p.events} events, ${p.conflict} conflict, last ${p.last}`);
    if (p.name) c.addEventListener('click', () => setFilter({ label: `place ${p.name}`, place: p.name }));
    pg.append(c);
  }
  svg.append(pg);
  $('map-note').textContent = places.length ? `${places.length} places` : 'no located events';
}

// ---------------------------------------------------------------- table

function tableParams() {
  const f = state.filter;
  if (f && f.ids) return { ids: f.ids, limit: 100 };
  const p = { dyad: state.dyad, from: state.from, to: state.to, limit: 50 };
  if (f) Object.assign(p, { from: f.from || p.from, to: f.to || p.to, place: f.place });
  return p;
}

// A new list (append false) supersedes every request before it; "more"
// (append true) is ignored while a page is on its way, and its answer is
// dropped if a new list was asked for meanwhile.
async function loadEvents(append) {
  const more = $('more');
  if (append && (more.disabled || !state.cursor)) return;
  const p = tableParams();
  if (append) p.cursor = state.cursor;
  const t = append ? { gen: latest.events.gen, signal: latest.events.ctl && latest.events.ctl.signal } : begin('events');
  more.disabled = true;
  let r;
  try {
    r = await api('events', p, t.signal);
  } catch (e) {
    if (current('events', t)) more.disabled = false;
    if (aborted(e)) return;
    throw e;
  }
  if (!current('events', t)) return;
  more.disabled = false;
  const tb = $('events').tBodies[0];
  if (!append) tb.replaceChildren();
  const have = new Set([...tb.querySelectorAll('tr[data-id]')].map((tr) => tr.dataset.id));
  for (const e of r.events) {
    if (have.has(String(e.id))) continue;
    const place = e.place && e.place.name ? [e.place.name, e.place.country].filter(Boolean).join(', ') : '';
    tb.append(el('tr', { 'data-id': e.id, onclick: () => explain(e.id) },
      el('td', {}, e.date),
      el('td', {}, `${e.source} → ${e.target}`),
      el('td', { class: 'q' + e.quad }, `${e.code} ${e.code_name}`),
      el('td', {}, e.goldstein == null ? '' : e.goldstein.toFixed(1)),
      el('td', {}, place),
      el('td', {}, `${e.num_mentions} / ${e.num_sources} src`)));
  }
  state.cursor = r.next;
  more.hidden = !r.next;
  $('events').dataset.rows = tb.querySelectorAll('tr[data-id]').length;
  if (!tb.children.length) tb.append(el('tr', {}, el('td', { colspan: 6 }, 'no events')));
}

function setFilter(f) {
  state.filter = f;
  const span = $('events-filter');
  span.replaceChildren();
  if (f) span.append(`filtered: ${f.label}`, el('button', { class: 'filter-clear', type: 'button', onclick: () => setFilter(null) }, 'clear'));
  state.cursor = null;
  loadEvents(false).catch((e) => status(e.message));
}

// ---------------------------------------------------------------- explanation

function safeUrl(u) {
  try { const x = new URL(u); return x.protocol === 'http:' || x.protocol === 'https:' ? x.href : null; } catch { return null; }
}

function kv(pairs) {
  const dl = el('dl', { class: 'kv' });
  for (const [k, v] of pairs) if (v !== '' && v != null) dl.append(el('dt', {}, k), el('dd', {}, v));
  return dl;
}

function matchedView(m) {
  if (!m || typeof m !== 'object') return el('div', { class: 'matched' }, 'matched: ', el('code', {}, String(m)));
  const parts = [];
  // {text, entry, file, line} as the store writes it (code when present)
  const entry = (name, o) => o && typeof o === 'object'
    ? [name, el('span', {}, o.text ? `"${o.text}" ` : '', el('code', {}, o.entry || '?'),
      o.code ? ` → ${o.code}` : '', o.file ? ` (${o.file}${o.line ? ':' + o.line : ''})` : '')] : null;
  parts.push(['pattern', m.pattern ? el('code', {}, m.pattern) : 'none (verb alone)']);
  for (const k of ['verb', 'source', 'target']) { const e = entry(k, m[k]); if (e) parts.push(e); }
  for (const [k, v] of Object.entries(m)) {
    if (['pattern', 'verb', 'source', 'target'].includes(k)) continue;
    parts.push([k, el('code', {}, typeof v === 'string' ? v : JSON.stringify(v))]);
  }
  const d = kv(parts);
  d.classList.add('matched');
  return d;
}

async function explain(id) {
  const t = begin('explain');
  const r = await api('events/' + id, {}, t.signal).catch((e) => { if (!aborted(e)) status(e.message); return null; });
  if (!r || !current('explain', t)) return;
  const e = r.event, body = $('explain-body');
  body.replaceChildren(
    el('h3', {}, `#${e.id} ${e.source} → ${e.target}: ${e.code} ${e.code_name}`),
    kv([['date', `${e.date} (${e.date_precision})`], ['QuadClass', e.quad], ['Goldstein', e.goldstein],
      ['coded by', e.method ? `${e.method}${e.confidence != null ? ` (confidence ${e.confidence})` : ''}` : ''],
      ['issues', Array.isArray(e.issues) ? e.issues.map((i) => `${i.code} ${i.count}`).join(', ') : ''],
      ['PLOVER', e.plover], ['place', e.place.name ? `${[e.place.name, e.place.adm1, e.place.country].filter(Boolean).join(', ')} (${e.place.precision || '?'}${e.place.from_actor ? ', from the actors' : ''})` : 'none'],
      ['reports', `${e.num_mentions} mentions in ${e.num_articles} articles from ${e.num_sources} sources; first seen ${e.first_seen}`]]),
    el('h4', {}, `Mentions (${r.mentions.length}${r.mentions_total > r.mentions.length ? ' of ' + r.mentions_total : ''})`));
  for (const m of r.mentions) {
    const a = m.article || {}, url = safeUrl(a.url);
    const src = el('div', { class: 'src' }, `${a.source || 'unknown source'}, ${a.date || ''} — `,
      url ? el('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, a.title || url) : (a.title || a.id || ''));
    body.append(el('div', { class: 'mention', 'data-mention': m.id },
      el('blockquote', {}, m.sentence || '(sentence not stored)'), src,
      kv([['coded', `${m.source} → ${m.target} ${m.code}, ${m.date}${m.date_expr ? ' ("' + m.date_expr + '")' : ''}`],
        ['place as written', m.place_raw]]),
      matchedView(m.matched)));
  }
  const dlg = $('explain');
  if (!dlg.open) dlg.showModal();
}

// ---------------------------------------------------------------- loading

async function show() {
  if (!state.dyad) { status('pick a dyad'); return; }
  const t = begin('show');
  writeHash();
  syncControls();
  status('loading…');
  state.filter = null;
  state.cursor = null;
  $('events-filter').replaceChildren();
  $('dyad-label').textContent = state.dyad;
  const range = { from: state.from, to: state.to };
  const dyad = state.dyad;
  try {
    const [s, al, pl, countries] = await Promise.all([
      api('series', { dyad, by: state.by, ...range }, t.signal),
      api('alerts', { dyad }, t.signal),
      api('places', { dyad, ...range, limit: 300 }, t.signal),
      loadWorld().catch(() => []),
      loadEvents(false),
    ]);
    if (!current('show', t)) return;       // a later pick is showing
    state.series = s;
    state.alerts = al.alerts.filter((a) => (!state.from || a.end >= state.from) && (!state.to || a.start <= state.to));
    renderTimeline(s, state.alerts);
    renderAlerts(state.alerts);
    renderMap(pl.places, countries);
    $('timeline').dataset.dyad = dyad;
    status('');
    document.body.dataset.loaded = dyad;
  } catch (e) {
    if (!aborted(e) && current('show', t)) status(e.message);
  }
}

function init() {
  readHash();
  $('controls').addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.dyad = $('dyad-input').value.trim().toUpperCase();
    state.by = $('by').value;
    state.from = $('from').value;
    state.to = $('to').value;
    show();
  });
  $('dyad-select').addEventListener('change', (ev) => {
    if (!ev.target.value) return;
    $('dyad-input').value = ev.target.value;
    state.dyad = ev.target.value;
    show();
  });
  $('more').addEventListener('click', () => loadEvents(true).catch((e) => status(e.message)));
  $('explain-close').addEventListener('click', () => $('explain').close());
  let t;
  window.addEventListener('resize', () => {
    clearTimeout(t);
    t = setTimeout(() => state.series && (renderTimeline(state.series, state.alerts)), 150);
  });
  loadDyads().then((d) => {
    if (!state.dyad && d.hostile.length) state.dyad = d.hostile[0].dyad;
    syncControls();
    show();
  }).catch((e) => status(e.message));
}

init();
