/**
 * The web builder in a real browser: Debian's Chromium driven by playwright-core (never a browser
 * download). A marketer builds a segment by clicking; the page's live count must equal the
 * library's one-shot count of the same definition (the interactive sets the server uses are
 * another code path), the JSON view must hold that definition, faults appear beside their field,
 * and a saved segment opens again. One browser, one server, several checks in order.
 *
 * Without Chromium the suite is skipped with a message (`apt-get install chromium`), and fails
 * under CI=true. KUMIWAKE_CHROMIUM names another executable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, WEB_ROOT, needChromium, countShown as countShownOn, importShop, closeAll, servedPage, OneShotCounts } from './chromium.js';
import { generateSampleData, openWorkspace, type Workspace } from '../../src/index.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { tempDir } from '../helpers/cli.js';

const UNTIL = '2026-10-31';


needChromium('the browser tests');

const digits = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''));

/** A CSV file's rows (quoted cells with commas, quotes and line breaks included). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false; else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row); }
  return rows;
}

type Node = Record<string, unknown>;
/** Every node of a where tree with its JSON path, and for a child of an `all` the siblings before it. */
function* treeNodes(node: unknown, path: string, before: unknown[] | undefined): Generator<{ path: string; node: unknown; before?: unknown[] }> {
  yield { path, node, before };
  const group = node as Node;
  for (const kind of ['all', 'any'] as const) {
    const children = group[kind];
    if (Array.isArray(children)) {
      for (const [i, child] of children.entries()) yield* treeNodes(child, `${path}.${kind}[${i}]`, kind === 'all' ? children.slice(0, i) : undefined);
    }
  }
  if (group.not !== undefined) yield* treeNodes(group.not, `${path}.not`, undefined);
}

describe.runIf(HAVE_CHROMIUM)('the web builder in Chromium', () => {
  let dir: string;
  let db: string;
  let workspace: Workspace;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let prefectures: string[];
  let product: string;
  let expected: { definition: unknown; count: number; reachable: { email: number; line: number; dm: number }; everyone: number; lastIds: string[] };
  /** one-shot counts (the CLI's path) of the other definitions the tests build */
  const oneShotCounts = new OneShotCounts();
  let saleMails: Array<{ mailId: string }>;
  /** each node's count alone and (inside an AND) with its siblings before it, as one-shot counts of those sub-definitions */
  const nodeCounts = new Map<string, { alone: number; cumulative: number | null }>();
  /** the library's breakdowns (the CLI's count --by) of the built definition: value → count */
  const breakdowns = new Map<string, Map<string, number>>();
  /** a member and a customer outside the built segment, with what the library says of them */
  let insider: { id: string; orderCount: number; holds: Record<string, boolean> };
  let outsider: { id: string; holds: Record<string, boolean> };
  /** every member of the built segment, in customer_id order */
  let allIds: string[];
  const mailDefinition = (id: string) => ({ where: { all: [{ not: { kind: 'mail', event: 'open', mails: [id] } }] } });
  const periodDefinition = {
    where: { all: [{ kind: 'purchases', window: { from: 'today-90d', to: 'today' }, stores: ['100'], groups: { '管理ステイタス': ['通常'] }, orderCount: { min: 2 } }] },
  };
  const tenure = (max: number) => ({ where: { all: [{ kind: 'tenure', min: 0, max }] } });
  const oneShotCount = (definition: unknown) => oneShotCounts.of(definition);

  beforeAll(async () => {
    dir = tempDir();
    db = join(dir, 'shop.duckdb');
    const files = await generateSampleData({ customers: 400, outDir: dir, seed: 7, until: UNTIL });
    // The expected figures come from a one-shot workspace (the CLI's path), closed before the server opens its own.
    const oneShot = await openWorkspace({ db });
    try {
      await importShop(oneShot, files);
      prefectures = [...((await oneShot.builderCatalog()).values.prefecture ?? [])].slice(0, 2);
      product = readFileSync(files.products, 'utf8').split('\n')[1]!.split(',')[0]!;
      const definition = {
        where: {
          all: [
            { any: prefectures.map((value) => ({ kind: 'field', field: 'prefecture', op: 'eq', value })) },
            { kind: 'purchases', products: [{ products: [product], count: { min: 0, max: 0 } }] },
          ],
        },
      };
      const counted = await oneShot.count({ definition });
      const everyone = (await oneShot.count({ definition: {} })).count;
      const last = await oneShot.members({ definition }, { sort: 'customer_id', descending: true, limit: 3 });
      expected = { definition, count: counted.count, reachable: counted.reachable, everyone, lastIds: last.rows.map((r) => String(r.customer_id)) };
      for (const node of treeNodes(definition.where, 'where', undefined)) {
        const alone = (await oneShot.count({ definition: { where: node.node } })).count;
        const cumulative = node.before === undefined ? null : (await oneShot.count({ definition: { where: { all: [...node.before, node.node] } } })).count;
        nodeCounts.set(node.path, { alone, cumulative });
      }
      for (const by of ['store', 'rfm', 'gender', 'store,gender']) {
        const answer = await oneShot.breakdown({ definition }, { by });
        const key = (row: (typeof answer.breakdown)[number]) => answer.by.map((f) => (row.key[f] === null ? '' : String(row.key[f]))).join('|');
        breakdowns.set(by, new Map(answer.breakdown.map((row) => [key(row), row.count])));
      }
      const holdsOf = async (id: string) => Object.fromEntries((await oneShot.why(id, { definition })).nodes.map((n) => [n.path, n.holds]));
      allIds = (await oneShot.members({ definition }, { sort: 'customer_id', limit: 10_000 })).rows.map((r) => String(r.customer_id));
      const insiderId = String(last.rows[0]!.customer_id);
      insider = { id: insiderId, orderCount: (await oneShot.customer(insiderId)).lifetime.orderCount, holds: await holdsOf(insiderId) };
      const outsiderId = String((await oneShot.members({ definition: { where: { not: definition.where } } }, { sort: 'customer_id', limit: 1 })).rows[0]!.customer_id);
      outsider = { id: outsiderId, holds: await holdsOf(outsiderId) };
      saleMails = await oneShot.mails({ q: 'セール' });
      for (const other of [mailDefinition(saleMails[0]?.mailId ?? 'none'), periodDefinition, tenure(400), tenure(2000)]) {
        await oneShotCounts.keep(oneShot, other);
      }
    } finally {
      await oneShot.close();
    }
    expect(prefectures).toHaveLength(2);
    expect(expected.count).toBeGreaterThan(0);
    expect(expected.count).toBeLessThan(expected.everyone);

    ({ workspace, server, browser, page } = await servedPage(db));
  });

  afterAll(() => closeAll({ browser, server, workspace }));

  const countShown = (total: number) => countShownOn(page, total);

  it('opens in Japanese and counts every customer', async () => {
    await page.goto(server.url);
    await expect(page.textContent('h1')).resolves.toContain('セグメントビルダー');
    await countShown(expected.everyone);
  });

  it('builds a segment by clicking and counts it as the library does', async () => {
    const root = '.group[data-path="where"] > .group-head';
    await page.click(`${root} button:has-text("グループを追加")`);
    const inner = '.group[data-path="where.all[0]"] > .group-head';
    await page.selectOption(`${inner} select[aria-label="条件"]`, 'any');
    for (const [i, prefecture] of prefectures.entries()) {
      await page.selectOption(`.group[data-path="where.all[0]"] > .group-head select[aria-label="条件を追加"]`, 'field');
      await page.selectOption(`select[data-path="where.all[0].any[${i}].field"]`, 'prefecture');
      await page.fill(`input[data-path="where.all[0].any[${i}].value"]`, prefecture);
    }
    await page.selectOption(`${root} select[aria-label="条件を追加"]`, 'purchases');
    // 最新購入情報 starts with 累計購入回数 1～: cleared, the range goes.
    await page.fill('input[data-path="where.all[1].orderCount.min"]', '');
    await page.click('.leaf[data-path="where.all[1]"] button.add-row');
    await page.fill('input[data-path="where.all[1].products[0].products"]', product);
    await page.fill('input[data-path="where.all[1].products[0].count.min"]', '0');
    await page.fill('input[data-path="where.all[1].products[0].count.max"]', '0');

    await countShown(expected.count);
    expect(digits(await page.textContent('[data-testid=count-email]'))).toBe(expected.reachable.email);
    expect(digits(await page.textContent('[data-testid=count-line]'))).toBe(expected.reachable.line);
    expect(digits(await page.textContent('[data-testid=count-dm]'))).toBe(expected.reachable.dm);

    await page.click('nav.tabs button:has-text("JSON")');
    expect(JSON.parse(await page.inputValue('[data-testid=json-text]'))).toEqual(expected.definition);
    await page.click('nav.tabs button:has-text("条件")');
  });

  it('shows beside each condition its own count and, inside an AND, the funnel', async () => {
    expect(nodeCounts.size).toBe(5);
    for (const [path, want] of nodeCounts) {
      const badge = page.locator(`.node-count[data-path="${path}"][data-state=done]`);
      await badge.waitFor({ timeout: 10_000 });
      expect(digits(await badge.locator('[data-testid=node-alone]').textContent()), path).toBe(want.alone);
      if (want.cumulative === null) expect(await badge.locator('[data-testid=node-cumulative]').count(), path).toBe(0);
      else expect(digits(await badge.locator('[data-testid=node-cumulative]').textContent()), path).toBe(want.cumulative);
    }
    // the funnel's last step is the whole AND, which is the count
    expect(nodeCounts.get('where.all[1]')!.cumulative).toBe(expected.count);
  });

  it('shows a parser fault beside the field its JSON path names', async () => {
    await page.fill('input[data-path="where.all[1].products[0].count.max"]', 'abc');
    const beside = page.locator('.product-row ul.faults[data-fault-path="where.all[1].products[0].count"]');
    await beside.waitFor({ timeout: 10_000 });
    expect(await beside.locator('li').first().getAttribute('data-code')).toBe('not-a-number');
    expect(await beside.textContent()).toContain('数値で入力してください');
    expect(await page.textContent('[data-testid=count-total]')).toBe('—');
    await page.fill('input[data-path="where.all[1].products[0].count.max"]', '0');
    await countShown(expected.count);
    expect(await beside.count()).toBe(0);
  });

  it('previews the members, sorted by a column', async () => {
    const table = page.locator('[data-testid=members]');
    await page.waitForFunction((want) => (document.querySelector('[data-testid=members-range]')?.textContent ?? '').includes(`/ ${want.toLocaleString('ja-JP')}`), expected.count);
    expect(await table.locator('tbody tr').count()).toBe(Math.min(50, expected.count));
    await page.click('th button[data-column="customer_id"]');
    await page.waitForFunction((first) => document.querySelector('[data-testid=members] tbody td')?.textContent === first, expected.lastIds[0]!);
    const ids = await table.locator('tbody tr td:first-child').allTextContents();
    expect(ids.slice(0, expected.lastIds.length)).toEqual(expected.lastIds);
  });

  it('breaks the segment down by store, RFM cell, gender and store × gender, as the library does', async () => {
    await page.click('nav.results-tabs button:has-text("集計")');
    for (const by of ['store', 'rfm', 'store,gender', 'gender']) {
      const [first, second] = by.split(',');
      await page.selectOption('select[aria-label="集計項目"]', first!);
      await page.selectOption('select[aria-label="クロス集計"]', second ?? '');
      await page.waitForSelector(`.results[data-state=done] table[data-field="${by}"]`, { timeout: 10_000 });
      const rows = await page.$$eval('[data-testid=breakdown] tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-value') ?? '', (tr.querySelector('[data-testid=breakdown-count]')?.textContent ?? '').replace(/[^\d]/g, '')]));
      expect(new Map(rows.map(([value, count]) => [value!, Number(count)])), by).toEqual(breakdowns.get(by));
      expect(digits(await page.textContent('[data-testid=breakdown-total]'))).toBe(expected.count);
    }
    expect(await page.textContent('[data-testid=breakdown]')).toContain('女性'); // values in Japanese
    const [table] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=breakdown-csv]')]);
    const rows = parseCsv(readFileSync((await table.path())!, 'utf8').replace(/^\uFEFF/, '')).filter((r) => r.length > 1);
    expect(rows[0]).toEqual(['gender', 'count', 'email', 'line', 'dm']);
    expect(new Map(rows.slice(1, -1).map((r) => [r[0]!, Number(r[1])]))).toEqual(breakdowns.get('gender'));
    expect(rows.at(-1)!.slice(0, 2)).toEqual(['total', String(expected.count)]);
    await page.click('nav.results-tabs button:has-text("会員一覧")');
  });

  it('opens a member\'s customer page: figures, and why they are in; and a customer who is out', async () => {
    await page.click(`[data-testid=members] button[data-customer="${insider.id}"]`);
    const why = page.locator(`[data-testid=customer-page][data-customer="${insider.id}"] [data-testid=why]`);
    await why.waitFor({ timeout: 10_000 });
    expect(await why.getAttribute('data-in')).toBe('true');
    const shown = async () => Object.fromEntries(await page.$$eval('.why-node[data-path]', (lis) => lis.map((li) => [li.getAttribute('data-path'), li.getAttribute('data-holds') === 'true'])));
    expect(await shown()).toEqual(insider.holds);
    await page.waitForSelector('[data-testid=customer-lifetime]');
    expect(digits(await page.textContent('[data-testid=customer-lifetime] tr[data-figure=orderCount] td'))).toBe(insider.orderCount);
    expect(await page.textContent('[data-testid=customer-record]')).toContain(insider.id);

    // Every answer the page shows on the way, as customer:in: the page renders once with the new
    // customer before it asks, and must not show the insider's answer under the outsider's id.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { whyShown: string[] }).whyShown = seen;
      new MutationObserver(() => {
        for (const p of document.querySelectorAll('[data-testid=customer-page]')) {
          const w = p.querySelector('[data-testid=why]');
          if (w) seen.push(`${p.getAttribute('data-customer')}:${w.getAttribute('data-in')}`);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.fill('input[aria-label="顧客ID"]', outsider.id);
    await page.click('.customer-lookup button');
    const out = page.locator(`[data-testid=customer-page][data-customer="${outsider.id}"] [data-testid=why]`);
    await out.waitFor({ timeout: 10_000 });
    expect(await out.getAttribute('data-in')).toBe('false');
    const whyShown = await page.evaluate(() => (window as unknown as { whyShown: string[] }).whyShown);
    expect(whyShown).toContain(`${outsider.id}:false`);
    expect(whyShown).not.toContain(`${outsider.id}:true`);
    expect(await out.textContent()).toContain('含まれない理由');
    expect(await shown()).toEqual(outsider.holds);
    await page.click('.customer-page button.close');
  });

  it('saves the segment, and opens it again', async () => {
    await page.fill('input[aria-label="セグメント名"]', 'two-prefectures-never-bought');
    await page.click('.segment-actions button:has-text("保存")');
    await expect(page.locator('[data-testid=segment-note]').textContent()).resolves.toBe('保存しました');
    expect((await workspace.segments.show('two-prefectures-never-bought')).definition).toEqual(expected.definition);

    await page.click('.segments-panel button:has-text("新規")');
    await countShown(expected.everyone);
    await page.click('button[data-segment="two-prefectures-never-bought"]');
    await countShown(expected.count);
    await page.click('nav.tabs button:has-text("JSON")');
    expect(JSON.parse(await page.inputValue('[data-testid=json-text]'))).toEqual(expected.definition);
    await page.click('nav.tabs button:has-text("条件")');
  });

  it('downloads the list as CP932 CSV with Japanese headers and as Excel, with the segment\'s rows', async () => {
    await page.selectOption('select[aria-label="文字コード"]', 'cp932');
    const [csvFile] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-members]')]);
    expect(csvFile.suggestedFilename()).toMatch(/^two-prefectures-never-bought-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = parseCsv(iconv.decode(readFileSync((await csvFile.path())!), 'cp932'));
    expect(rows[0]![0]).toBe('会員番号');
    expect(rows.slice(1).map((r) => r[0]).sort()).toEqual(allIds);
    await page.waitForFunction((n) => document.querySelector('[data-testid=download-state]')?.textContent?.includes(`${n.toLocaleString('ja-JP')} 件`), allIds.length);

    // The columns the member preview shows, in its order.
    await page.check('input[aria-label="一覧の表示項目で出力"]');
    const [shownFile] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-members]')]);
    const shown = parseCsv(iconv.decode(readFileSync((await shownFile.path())!), 'cp932'));
    const headings = await page.$$eval('[data-testid=members] thead th', (ths) => ths.map((th) => (th.textContent ?? '').replace(/[▲▼]/g, '').trim()));
    expect(shown[0]).toEqual(headings);
    expect(shown.slice(1).map((r) => r[0]).sort()).toEqual(allIds);
    await page.uncheck('input[aria-label="一覧の表示項目で出力"]');

    await page.selectOption('select[aria-label="ファイル形式"]', 'xlsx');
    const [xlsxFile] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-members]')]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile((await xlsxFile.path())!);
    const sheet = book.worksheets[0]!;
    expect(String(sheet.getRow(1).getCell(1).value)).toBe('会員番号');
    const ids: string[] = [];
    sheet.eachRow((row, n) => { if (n > 1) ids.push(String(row.getCell(1).value)); });
    expect(ids.sort()).toEqual(allIds);
    await page.selectOption('select[aria-label="ファイル形式"]', 'csv');
  });

  it('picks mails by subject in the mail picker, and excludes them', async () => {
    await page.click('.segments-panel button:has-text("新規")');
    await countShown(expected.everyone);
    await page.selectOption('.group[data-path="where"] > .group-head select[aria-label="条件を追加"]', 'mail');
    await page.click('.leaf[data-path="where.all[0]"] button:has-text("履歴選択")');
    const mails = saleMails;
    expect(mails.length).toBeGreaterThan(0);
    await page.fill('.mail-picker input[aria-label="件名"]', 'セール');
    await page.waitForFunction((n) => document.querySelectorAll('.mail-picker tbody tr').length === n, mails.length);
    await page.check(`.mail-picker input[aria-label="${mails[0]!.mailId}"]`);
    await page.selectOption('.leaf[data-path="where.all[0]"] select[aria-label="対象にする/除外する"]', 'exclude');
    const definition = mailDefinition(mails[0]!.mailId);
    await countShown(oneShotCount(definition));
    await page.click('nav.tabs button:has-text("JSON")');
    expect(JSON.parse(await page.inputValue('[data-testid=json-text]'))).toEqual(definition);
    await page.click('nav.tabs button:has-text("条件")');
  });

  it('期間設定: orders within a period, a store and an order group, as the library counts them', async () => {
    await page.click('.segments-panel button:has-text("新規")');
    await page.selectOption('.group[data-path="where"] > .group-head select[aria-label="条件を追加"]', 'period');
    await page.fill('input[data-path="where.all[0].stores"]', '100');
    await page.fill('input[data-path="where.all[0].orderCodes.min"]', 'A');
    await page.fill('input[data-path="where.all[0].orderCodes.min"]', ''); // cleared: no empty range is left behind
    await page.fill(`input[data-path='where.all[0].groups["管理ステイタス"]']`, '通常');
    await page.fill('input[data-path="where.all[0].orderCount.min"]', '2');
    const definition = periodDefinition;
    const counted = oneShotCount(definition);
    expect(counted).toBeGreaterThan(0);
    await countShown(counted);
    await page.click('nav.tabs button:has-text("JSON")');
    expect(JSON.parse(await page.inputValue('[data-testid=json-text]'))).toEqual(definition);
    await page.click('nav.tabs button:has-text("条件")');
  });

  it('never shows the answer to an older edit', async () => {
    // The first count after this is held back until a newer edit has been answered.
    let held = true;
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/count', async (route) => {
      if (held) {
        held = false;
        await released;
      }
      await route.continue().catch(() => undefined); // the page aborted it
    });
    await page.click('.segments-panel button:has-text("新規")');
    await page.selectOption('.group[data-path="where"] > .group-head select[aria-label="条件を追加"]', 'tenure');
    await page.fill('input[data-path="where.all[0].max"]', '400');
    await page.waitForTimeout(400); // the held request is on its way
    await page.fill('input[data-path="where.all[0].max"]', '2000');
    const newer = oneShotCount(tenure(2000));
    const older = oneShotCount(tenure(400));
    expect(older).not.toBe(newer);
    await countShown(newer);
    release();
    await page.waitForTimeout(500);
    expect(digits(await page.textContent('[data-testid=count-total]'))).toBe(newer);
    await page.unroute('**/api/count');
  });

  it('with a token, the login page lets the browser in', async () => {
    const token = 'browser-test-token-0123456789';
    const locked = await startServer(workspace, { host: '127.0.0.1', port: 0, token, webRoot: WEB_ROOT });
    const context = await browser.newContext();
    try {
      const guest = await context.newPage();
      await guest.goto(locked.url);
      expect(new URL(guest.url()).pathname).toBe('/login');
      await guest.fill('input[name=token]', 'wrong-token-wrong-token');
      await guest.click('button[type=submit]');
      await guest.waitForSelector('.fault');
      await guest.fill('input[name=token]', token);
      await guest.click('button[type=submit]');
      await guest.waitForSelector('[data-testid=count-total]');
      await guest.waitForFunction((want) => Number((document.querySelector('[data-testid=count-total]')?.textContent ?? '').replace(/[^\d]/g, '')) === want, expected.everyone);
      const cookies = await context.cookies();
      expect(cookies.find((c) => c.name === 'kumiwake_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    } finally {
      await context.close();
      await locked.close();
    }
  });

  it('switches to English', async () => {
    await page.click('button.lang');
    await expect(page.textContent('h1')).resolves.toContain('Segment builder');
    await page.click('button.lang');
  });
});
