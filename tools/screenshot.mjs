// screenshot.mjs -- the README's dashboard screenshot: opens a running
// `vigil serve` at BASE_URL on a dyad in headless Chromium (Debian chromium
// via playwright-core) and saves a PNG.
//   node tools/screenshot.mjs http://127.0.0.1:8080/ SRB-KSV docs/img/dashboard.png
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, dyad, out] = process.argv.slice(2);
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'vigil-shot-')), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  viewport: { width: 1400, height: 1000 },
});
try {
  const page = ctx.pages()[0] || await ctx.newPage();
  await page.goto(`${base}#dyad=${dyad}&by=week`, { waitUntil: 'load' });
  await page.waitForSelector(`body[data-loaded="${dyad}"]`, { timeout: 15000 });
  await page.waitForSelector('#events tbody tr[data-id]', { timeout: 15000 });
  await page.screenshot({ path: out, fullPage: true });
} finally {
  await ctx.close();
}
