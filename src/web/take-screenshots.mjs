// Takes the README's screenshots of the web builder's main screens into src/web/screenshots/:
// the builder with its live and per-condition counts, the breakdown by RFM cell, and a customer's
// page with why they are in. Debian's Chromium through playwright-core (never a browser download)
// on a generated sample shop. Run after `npm run build`: node src/web/take-screenshots.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { generateSampleData, openWorkspace } from '../../dist/index.js';
import { startServer } from '../../dist/server/serve.js';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const CHROMIUM = process.env.KUMIWAKE_CHROMIUM || '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'kumiwake-screenshots-'));
const db = join(dir, 'shop.duckdb');
const files = await generateSampleData({ customers: 3000, outDir: dir, seed: 11, until: '2026-10-31' });
const workspace = await openWorkspace({ db, interactive: true });
let server;
let browser;
try {
  for (const [table, file] of [['customers', files.customers], ['products', files.products], ['purchases', files.purchases], ['mails', files.mails], ['mail-events', files.mailEvents]]) {
    await workspace.import({ table, files: [file] });
  }
  const known = (await workspace.builderCatalog()).values.prefecture ?? [];
  const prefectures = ['東京都', '神奈川県'].every((p) => known.includes(p)) ? ['東京都', '神奈川県'] : known.slice(0, 2);
  const definition = {
    where: {
      all: [
        { any: prefectures.map((value) => ({ kind: 'field', field: 'prefecture', op: 'eq', value })) },
        { kind: 'purchases', orderCount: { min: 2 } },
        { kind: 'reachable', channel: 'email' },
      ],
    },
  };
  await workspace.segments.save('首都圏リピーター', definition, { force: true });
  server = await startServer(workspace, { host: '127.0.0.1', port: 0, webRoot: here('../../dist/web/') });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.url);
  await page.click('button[data-segment="首都圏リピーター"]');
  await page.waitForSelector('.node-count[data-path="where.all[2]"][data-state=done]');
  await page.waitForSelector('.members[data-state=done] [data-testid=members] tbody tr');
  await page.screenshot({ path: here('screenshots/builder-ja.png'), fullPage: false });

  // The count bar sticks to the top of the window: in a picture of one panel it would cover it.
  await page.evaluate(() => { document.querySelector('.count-bar').style.position = 'static'; });
  await page.click('nav.results-tabs button:has-text("集計")');
  await page.selectOption('select[aria-label="集計項目"]', 'rfm');
  await page.waitForSelector('.results[data-state=done] table[data-field="rfm"]');
  await page.locator('.results').scrollIntoViewIfNeeded();
  await page.locator('.results').screenshot({ path: here('screenshots/breakdown-ja.png') });

  await page.click('nav.results-tabs button:has-text("会員一覧")');
  await page.click('[data-testid=members] tbody tr:first-child button[data-customer]');
  await page.waitForSelector('[data-testid=customer-page] [data-testid=why]');
  await page.waitForSelector('[data-testid=customer-lifetime]');
  await page.locator('[data-testid=customer-page]').screenshot({ path: here('screenshots/customer-ja.png') });
  process.stdout.write(`screenshots written to ${here('screenshots/')}\n`);
} finally {
  await browser?.close();
  await server?.close();
  await workspace.close();
  rmSync(dir, { recursive: true, force: true });
}
