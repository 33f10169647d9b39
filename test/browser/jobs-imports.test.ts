/**
 * Jobs and imports in a real browser (Debian's Chromium through playwright-core, as
 * builder.test.ts): a marketer schedules a saved segment as a job by clicking (plain-words
 * schedule, the next five run times), runs it now (the count equals the library's), sees the
 * history, opens who entered and left and downloads them as CSV and xlsx; then uploads a bad CSV
 * (its line number shown) and a good CP932 one (imported, in the import history).
 * One browser, one server; the fixture shop (test/fixtures/shop), whose figures are written here.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, WEB_ROOT, needChromium, openPage, closeAll } from './chromium.js';
import { openWorkspace, type Workspace } from '../../src/index.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { tempDir } from '../helpers/cli.js';

const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;


needChromium('the jobs and imports browser tests');

/** gender F: 001, 005 (004 is deleted); Tokyo or Osaka: 001, 002 (test/fixtures/shop/customers.csv) */
const WOMEN = { where: { kind: 'field', field: 'gender', op: 'eq', value: 'F' } };
const TOKYO_OSAKA = { where: { any: ['東京都', '大阪府'].map((value) => ({ kind: 'field', field: 'prefecture', op: 'eq', value })) } };

/** The next five 15ths of a month at 06:30 in Tokyo (UTC+9, no summer time), by hand. */
function nextFifteenths(): string[] {
  const times: string[] = [];
  const now = Date.now();
  for (let year = new Date(now).getUTCFullYear(), month = new Date(now).getUTCMonth() - 1; times.length < 5; month++) {
    const at = Date.UTC(year, month, 15, 6 - 9, 30); // 06:30 JST is 21:30 UTC the day before
    if (at > now) {
      const d = new Date(at + 9 * 3_600_000);
      times.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-15 06:30`);
    }
  }
  return times;
}

describe.runIf(HAVE_CHROMIUM)('jobs and imports in Chromium', () => {
  let dir: string;
  let workspace: Workspace;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dir = tempDir();
    workspace = await openWorkspace({ db: join(dir, 'shop.duckdb'), interactive: true });
    for (const [table, file] of [['customers', 'customers'], ['products', 'products'], ['purchases', 'purchases'], ['mails', 'mails'], ['mail-events', 'mail_events']] as const) {
      await workspace.import({ table, files: [join(SHOP, `${file}.csv`)] });
    }
    await workspace.segments.save('vip', WOMEN);
    server = await startServer(workspace, { host: '127.0.0.1', port: 0, webRoot: WEB_ROOT, jobsDir: join(dir, 'jobs'), outputRoot: join(dir, 'out') });
    ({ browser, page } = await openPage({ acceptDownloads: true }));
  });

  afterAll(() => closeAll({ browser, server, workspace }));

  const outcome = async (testId: string, pattern: RegExp) => {
    const locator = page.locator(`[data-testid=${testId}]`);
    await expect.poll(async () => (await locator.textContent()) ?? '', { timeout: 10_000 }).toMatch(pattern);
    return (await locator.textContent()) ?? '';
  };

  it('schedules the open segment as a job by clicking, with the next five run times, and shows a fault beside its field', async () => {
    await page.goto(server.url);
    await page.click('[data-segment="vip"]');
    await page.click('button[data-screen="jobs"]');
    await page.click('[data-testid=new-job]');
    await page.selectOption('select[data-path="frequency"]', 'month');
    await page.selectOption('select[data-path="day"]', '15');
    await page.fill('input[data-path="time"]', '06:30');
    expect(await page.inputValue('input[data-path="schedule"]')).toBe('30 6 15 * *');
    await page.waitForSelector('[data-testid=next-runs][data-state=done] li');
    expect(await page.$$eval('[data-testid=next-runs] li', (items) => items.map((li) => li.textContent))).toEqual(nextFifteenths());

    await page.selectOption('select[data-path="outputs[0].rows"]', 'entered');
    await page.fill('input[data-path="keepMembers"]', 'many');
    await page.click('[data-testid=save-job]');
    await expect.poll(() => page.locator('[data-fault-path="keepMembers"]').count()).toBe(1);
    expect(existsSync(join(dir, 'jobs', 'vip-weekly.json'))).toBe(false);

    await page.fill('input[data-path="keepMembers"]', '5');
    await page.click('[data-testid=save-job]');
    await page.waitForSelector('[data-job="vip-weekly"]');
    expect(JSON.parse(readFileSync(join(dir, 'jobs', 'vip-weekly.json'), 'utf8'))).toEqual({
      segment: 'vip', schedule: '30 6 15 * *', timezone: 'Asia/Tokyo', enabled: true, keepMembers: 5,
      outputs: [{ path: '{job}-{date}.csv', format: 'csv', rows: 'entered', encoding: 'utf-8-bom', headers: 'ja' }],
    });
  });

  it('runs the job now, twice, with the library\'s count, and the history says who entered and left', async () => {
    const first = (await workspace.count({ segment: 'vip' })).count;
    expect(first).toBe(2);
    await page.click('[data-testid=run-now]');
    expect(await outcome('run-outcome', /実行しました/)).toContain(`${first} 人`);

    await workspace.segments.save('vip', TOKYO_OSAKA, { force: true });
    const second = (await workspace.count({ segment: 'vip' })).count;
    await page.click('[data-testid=run-now]');
    expect(await outcome('run-outcome', /流入 1 \/ 流出 1/)).toContain(`${second} 人`);
    await page.waitForSelector('[data-testid=trend-chart] circle:nth-of-type(2)');
    expect(await page.$$eval('[data-testid=trend-chart] circle', (cs) => cs.map((c) => Number(c.getAttribute('data-count'))))).toEqual([first, second]);
    expect(await page.$$eval('[data-testid=run-count]', (cells) => cells.map((c) => Number(c.textContent)))).toEqual([second, first]);

    await page.click('[data-testid=show-changes]');
    await page.waitForSelector('[data-testid=changes-entered] li');
    expect(await page.$$eval('[data-testid=changes-entered] li', (items) => items.map((li) => li.textContent?.split(' ')[0]))).toEqual(['002']);
    expect(await page.$$eval('[data-testid=changes-left] li', (items) => items.map((li) => li.textContent?.split(' ')[0]))).toEqual(['005']);
  });

  it('downloads who entered and left as CSV (UTF-8 BOM, Shift_JIS) and xlsx', async () => {
    const rowsOf = (text: string) => text.replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((line) => line.split(',').slice(0, 2));
    const [utf8] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=changes-csv]')]);
    const bytes = readFileSync((await utf8.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = rowsOf(bytes.toString('utf8'));
    expect(rows[0]).toEqual(['増減', '会員番号']);
    expect(rows.slice(1).sort()).toEqual([['流入', '002'], ['流出', '005']]);

    const [sjis] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=changes-cp932]')]);
    expect(rowsOf(iconv.decode(readFileSync((await sjis.path())!), 'cp932'))).toEqual(rows);

    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=changes-xlsx]')]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile((await xlsx.path())!);
    const cells: string[][] = [];
    book.worksheets[0]!.eachRow((row) => cells.push([String(row.getCell(1).value), String(row.getCell(2).value)]));
    expect(cells[0]).toEqual(['増減', '会員番号']);
    expect(cells.slice(1).sort()).toEqual([['流入', '002'], ['流出', '005']]);
  });

  it('says beside a job that another job writes its file', async () => {
    writeFileSync(join(dir, 'jobs', 'vip-copy.json'), JSON.stringify({ segment: 'vip', schedule: '30 6 15 * *', outputs: [{ path: 'vip-weekly-{date}.csv' }] }));
    await page.click('button[data-screen="builder"]');
    await page.click('button[data-screen="jobs"]');
    await page.click('[data-job="vip-weekly"]');
    expect(await outcome('job-shared-output', /vip-copy/)).toBe(
      // named inside the output folder: the page is shown no absolute path of the server's
      'jobs "vip-copy" and "vip-weekly" write the same file vip-weekly-{date}.csv: on a day both run, the later run replaces the earlier\'s');
    rmSync(join(dir, 'jobs', 'vip-copy.json'));
  });

  it('uploads a bad CSV and shows its line number; a good CP932 one is previewed, imported and listed in the history', async () => {
    await page.click('button[data-screen="imports"]');
    await page.setInputFiles('[data-testid=import-file]', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('customer_id,name,birthday\n301,A,1990-01-01\n302,B,1990-13-45\n') });
    await page.click('[data-testid=upload]');
    await page.waitForSelector('[data-testid=import-preview]');
    await page.click('[data-testid=start-import]');
    expect(await outcome('import-state', /bad\.csv:3/)).toMatch(/^bad\.csv:3: /);

    const good = iconv.encode('会員番号,氏名,好きな色\n401,佐藤 一郎,赤\n', 'cp932');
    await page.setInputFiles('[data-testid=import-file]', { name: '会員.csv', mimeType: 'text/csv', buffer: good });
    await page.click('[data-testid=upload]');
    await page.waitForSelector('[data-testid=import-preview]');
    expect(await page.textContent('[data-testid=import-encoding]')).toBe('cp932');
    expect(await page.locator('tr.unknown-column').getAttribute('data-header')).toBe('好きな色');
    await page.click('[data-testid=import-preview] button:has-text("取り消す")');

    await page.setInputFiles('[data-testid=import-file]', { name: '会員.csv', mimeType: 'text/csv', buffer: iconv.encode('会員番号,氏名\n401,佐藤 一郎\n', 'cp932') });
    await page.click('[data-testid=upload]');
    await page.waitForSelector('[data-testid=import-preview]');
    // A typo in an option is refused, the upload kept: corrected, it is imported without sending the file again.
    await page.fill('[data-testid=import-preview] input[inputmode=numeric]', '-1');
    await page.click('[data-testid=start-import]');
    expect(await outcome('import-state', /maxRejects/)).toBe('"maxRejects" must be a whole number, 0 or more, not -1');
    await page.fill('[data-testid=import-preview] input[inputmode=numeric]', '0');
    await page.click('[data-testid=start-import]');
    await outcome('import-state', /取り込みました/);
    const latest = page.locator('[data-testid=import-history] tbody tr').first();
    await expect.poll(async () => (await latest.textContent()) ?? '').toContain('会員.csv');
    expect(await latest.textContent()).toContain('cp932');
    expect(await page.locator('[data-testid=import-history] tbody tr').nth(1).textContent()).toContain('bad.csv:3');
    expect((await workspace.customer('401')).record).toBeDefined();

    // Two lines valid as UTF-8 (ﾅｵ, ﾄｳ) against one that is not (ﾀﾞｲ): refused as mixed, kept, and read as chosen.
    await page.setInputFiles('[data-testid=import-file]', { name: 'kana.csv', mimeType: 'text/csv', buffer: iconv.encode('customer_id,name\n402,ﾅｵ\n403,ﾄｳ\n404,ﾀﾞｲ\n', 'cp932') });
    await page.click('[data-testid=upload]');
    await page.waitForSelector('[data-testid=encoding-undecided]');
    expect(await page.textContent('[data-testid=import-encoding]')).toBe('undecided');
    expect(await page.textContent('[data-testid=preview-fault]')).toMatch(/^kana\.csv:4: mixed encodings: line 2 is UTF-8 but line 4 is not/);
    expect(await page.isDisabled('[data-testid=start-import]')).toBe(true);
    await page.selectOption('[data-testid=import-encoding-choice]', 'cp932');
    await page.click('[data-testid=start-import]');
    await outcome('import-state', /取り込みました/);
    expect((await workspace.customer('402')).record.find((field) => field.column === 'name')?.value).toBe('ﾅｵ');
  });
});
