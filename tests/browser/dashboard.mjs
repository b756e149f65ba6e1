// dashboard.mjs -- drives the Vigil dashboard in headless Chromium (Debian
// chromium via playwright-core) and prints TAP lines ("ok NAME" / "not ok
// NAME").  Usage: node dashboard.mjs BASE_URL SCREENSHOT_DIR
// Env: CHROMIUM (default /usr/bin/chromium), PROFILE (fresh user-data-dir).
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, shots] = process.argv.slice(2);
const profile = process.env.PROFILE || mkdtempSync(join(tmpdir(), 'vigil-chromium-'));
let failed = 0;
function check(name, cond, detail) {
  console.log(`${cond ? 'ok' : 'not ok'} browser_${name}`);
  if (!cond) { failed++; if (detail !== undefined) console.log('# ' + String(detail).replace(/\n/g, '\n# ')); }
}

const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 1000 },
});
const errors = [];
const outside = [];
try {
  const page = ctx.pages()[0] || await ctx.newPage();
  page.on('pageerror', (e) => errors.push('pageerror: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
  // Nothing may leave the server: no tiles, no CDN.
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(base)) return route.continue();
    outside.push(u);
    return route.abort();
  });
  await page.goto(base, { waitUntil: 'load' });
  await page.waitForSelector('#dyad-select optgroup option', { state: 'attached', timeout: 15000 });
  const options = await page.$$eval('#dyad-select option', (os) => os.map((o) => o.value));
  check('picker_lists_dyads', options.includes('KSV-SRB'), options.join(' '));

  // Pick SRB-KSV by typing it, weekly series.
  await page.fill('#dyad-input', 'SRB-KSV');
  await page.selectOption('#by', 'week');
  await page.click('#go');
  await page.waitForSelector('body[data-loaded="SRB-KSV"]', { timeout: 15000 });
  await page.waitForSelector('#events tbody tr[data-id]', { timeout: 15000 });

  const periods = await page.$$eval('#timeline g.bar', (gs) => gs.length);
  const filled = await page.$$eval('#timeline g.bar rect[fill^="var"]', (rs) => rs.length);
  check('timeline_bars', periods >= 70 && filled > 50, `periods ${periods}, filled ${filled}`);
  const marks = await page.$$eval('#timeline .alert-mark', (ms) => ms.map((m) => m.getAttribute('data-alert')));
  check('timeline_alerts_marked', marks.some((d) => d.startsWith('2023-09')), marks.join(' '));
  const countries = await page.$$eval('#map path.country', (ps) => ps.length);
  const places = await page.$$eval('#map circle.place title', (ts) => ts.map((t) => t.textContent));
  check('map_boundaries', countries >= 10, `countries ${countries}`);
  check('map_places', places.length >= 5 && places.some((t) => t.startsWith('Banjska')), places.join(' | '));
  const rows = await page.$$eval('#events tbody tr[data-id]', (rs) => rs.map((r) => r.textContent));
  check('table_rows', rows.length === 50 && rows.every((t) => /SRB|KSV/.test(t)), rows.slice(0, 3).join(' | '));
  const alerts = await page.$$eval('#alerts li[data-start]', (ls) => ls.map((l) => l.textContent));
  check('alerts_panel', alerts.some((t) => t.includes('2023-09-2') && t.includes('highest')), alerts.join(' | '));
  await page.screenshot({ path: join(shots, 'dashboard.png') });
  await page.screenshot({ path: join(shots, 'dashboard-full.png'), fullPage: true });

  // The September alert lists the events that drove it; open the first.
  await page.click('#alerts li[data-start^="2023-09"]');
  await page.waitForFunction(() => document.querySelector('#events-filter').textContent.includes('drove'));
  await page.waitForFunction(() => {
    const r = document.querySelector('#events tbody tr[data-id] td');
    return r && r.textContent >= '2023-09-2' && r.textContent <= '2023-10-31';
  }, null, { timeout: 10000 });
  const drivers = await page.$$eval('#events tbody tr[data-id]', (rs) => rs.map((r) => r.textContent));
  check('alert_drivers_listed', drivers.length === 20 && drivers.every((t) => /SRB|KSV/.test(t) && /2023-(09|10)/.test(t)),
    drivers.slice(0, 3).join(' | '));
  const first = await page.$eval('#events tbody tr[data-id]', (r) => r.dataset.id);
  await page.click(`#events tbody tr[data-id="${first}"]`);
  await page.waitForSelector('dialog#explain[open] .mention', { timeout: 10000 });
  const ex = await page.$eval('#explain', (d) => ({
    title: d.querySelector('h3').textContent,
    quote: d.querySelector('.mention blockquote').textContent,
    links: [...d.querySelectorAll('.mention a')].map((a) => a.getAttribute('href')),
    matched: d.querySelector('.matched') ? d.querySelector('.matched').textContent : '',
  }));
  check('explanation_title', ex.title.startsWith('#' + first), ex.title);
  check('explanation_sentence', ex.quote.length > 20, ex.quote);
  check('explanation_source_link', ex.links.length > 0 && ex.links.every((h) => h.startsWith('https://')), ex.links.join(' '));
  check('explanation_matched', ex.matched.includes('pattern') && ex.matched.includes('verb') && ex.matched.includes('dict/'), ex.matched);
  await page.screenshot({ path: join(shots, 'explanation.png'), fullPage: false });
  await page.click('#explain-close');

  // Races: only the latest answer may reach the page.  A dyad whose answers
  // are held back 1.5 s, then at once another dyad: when the slow answers
  // arrive, the table, chart and status must still show the second.
  const fast = 'KSV-SRB';
  const slow = options.find((o) => o && o !== fast && o !== 'SRB-KSV');
  let slowSeen = 0;
  await page.route((u) => u.pathname.startsWith('/api/') && u.searchParams.get('dyad') === slow, async (route) => {
    slowSeen++;
    await new Promise((r) => setTimeout(r, 1500));
    route.continue().catch(() => {});
  });
  await page.selectOption('#dyad-select', slow);
  await page.waitForTimeout(100);
  await page.selectOption('#dyad-select', fast);
  await page.waitForSelector(`body[data-loaded="${fast}"]`, { timeout: 15000 });
  await page.waitForTimeout(2500);                       // the slow answers have come and gone
  const raced = await page.evaluate(() => ({
    loaded: document.body.dataset.loaded,
    chart: document.getElementById('timeline').dataset.dyad,
    input: document.getElementById('dyad-input').value,
    rows: [...document.querySelectorAll('#events tbody tr[data-id]')].map((r) => r.textContent),
    status: document.getElementById('status').textContent,
  }));
  check('race_second_pick_wins', slow && slowSeen > 0 && raced.loaded === fast && raced.chart === fast &&
    raced.input === fast && raced.rows.length === 50 && raced.rows.every((t) => /KSV/.test(t) && /SRB/.test(t)) &&
    raced.status === '', JSON.stringify({ slow, slowSeen, ...raced, rows: raced.rows.slice(0, 2) }));

  // A double click on "more" while the next page is held back: one page
  // more, no row twice.
  let pages = 0;
  await page.route((u) => u.pathname === '/api/events' && u.searchParams.has('cursor'), async (route) => {
    pages++;
    await new Promise((r) => setTimeout(r, 800));
    route.continue().catch(() => {});
  });
  await page.dblclick('#more');
  await page.waitForFunction(() => document.getElementById('events').dataset.rows === '100', null, { timeout: 10000 });
  await page.waitForTimeout(1500);
  const ids = await page.$$eval('#events tbody tr[data-id]', (rs) => rs.map((r) => r.dataset.id));
  check('race_more_double_click', pages >= 1 && ids.length === 100 && new Set(ids).size === 100,
    `requests ${pages}, rows ${ids.length}, distinct ${new Set(ids).size}`);

  // A bad dyad shows the server's reason, not a crash.
  await page.fill('#dyad-input', 'SRB-K$V');
  await page.evaluate(() => document.getElementById('dyad-input').removeAttribute('pattern'));
  await page.click('#go');
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('(dyad)'), null, { timeout: 10000 });
  check('bad_dyad_reported', true);
  errors.splice(0, errors.length, ...errors.filter((e) => !e.includes('400')));
  check('no_page_errors', errors.length === 0, errors.join('\n'));
  check('no_outside_requests', outside.length === 0, outside.join('\n'));
} catch (e) {
  check('run', false, e.stack || e);
} finally {
  await ctx.close();
}
process.exit(0);   // failures are reported as TAP lines
