// Takes the README's screenshots of the ジョブ and データ取込 screens into src/web/screenshots/: a
// saved segment scheduled as a job (plain-words schedule, next five runs, outputs), its run history
// with the trend and who entered and left, and a CSV upload's header mapping and the import history.
// Debian's Chromium through playwright-core on a generated sample shop, as take-screenshots.mjs.
// Run after `npm run build`: node src/web/take-jobs-screenshots.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { chromium } from 'playwright-core';
import { generateSampleData, openWorkspace } from '../../dist/index.js';
import { startServer } from '../../dist/server/serve.js';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const CHROMIUM = process.env.KUMIWAKE_CHROMIUM || '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'kumiwake-screenshots-'));
const files = await generateSampleData({ customers: 3000, outDir: dir, seed: 11, until: '2026-10-31' });
const workspace = await openWorkspace({ db: join(dir, 'shop.duckdb'), interactive: true });
const repeaters = (min) => ({ where: { all: [{ kind: 'purchases', orderCount: { min } }, { kind: 'reachable', channel: 'email' }] } });
let server;
let browser;
try {
  for (const [table, file] of [['customers', files.customers], ['products', files.products], ['purchases', files.purchases], ['mails', files.mails], ['mail-events', files.mailEvents]]) {
    await workspace.import({ table, files: [file] });
  }
  await workspace.segments.save('メール可リピーター', repeaters(3), { force: true });
  server = await startServer(workspace, { host: '127.0.0.1', port: 0, webRoot: here('../../dist/web/'), jobsDir: join(dir, 'jobs'), outputRoot: join(dir, 'out') });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.url);
  await page.click('button[data-segment="メール可リピーター"]');
  await page.click('button[data-screen="jobs"]');
  await page.click('[data-testid=new-job]');
  await page.selectOption('select[data-path="frequency"]', 'week');
  await page.selectOption('select[data-path="weekday"]', '1');
  await page.fill('input[data-path="time"]', '08:00');
  await page.selectOption('select[data-path="outputs[0].rows"]', 'entered');
  await page.waitForSelector('[data-testid=next-runs][data-state=done] li');
  await page.locator('[data-testid=job-form]').screenshot({ path: here('screenshots/job-form-ja.png') });

  await page.click('[data-testid=save-job]');
  await page.waitForSelector('[data-testid=run-now]');
  for (const min of [3, 2, 4]) {
    await workspace.segments.save('メール可リピーター', repeaters(min), { force: true });
    await page.click('[data-testid=run-now]');
    await page.waitForFunction(() => /実行しました/.test(document.querySelector('[data-testid=run-outcome]')?.textContent ?? ''));
  }
  await page.waitForSelector('[data-testid=job-history] tr[data-run="3"]');
  await page.click('[data-testid=show-changes] >> nth=0');
  await page.waitForSelector('[data-testid=changes-entered] b');
  await page.locator('[data-testid=job-history]').screenshot({ path: here('screenshots/job-history-ja.png') });

  await page.click('button[data-screen="imports"]');
  const csv = iconv.encode('会員番号,氏名,性別,誕生日,都道府県,会員ランク\n900001,佐藤 一郎,男性,1980-01-01,東京都,ゴールド\n', 'cp932');
  await page.setInputFiles('[data-testid=import-file]', { name: '会員リスト.csv', mimeType: 'text/csv', buffer: csv });
  await page.click('[data-testid=upload]');
  await page.waitForSelector('[data-testid=import-preview]');
  await page.screenshot({ path: here('screenshots/import-ja.png'), fullPage: false });
  process.stdout.write(`screenshots written to ${here('screenshots/')}\n`);
} finally {
  await browser?.close();
  await server?.close();
  await workspace.close();
  rmSync(dir, { recursive: true, force: true });
}
