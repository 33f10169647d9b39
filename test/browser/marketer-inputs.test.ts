/**
 * The builder as a marketer met it in audit 41 (data/cache/audit41-web.md), in a real browser
 * (Debian's Chromium through playwright-core, as builder.test.ts) on a shop of its own (seed 41):
 * number boxes read plain decimal numbers only (0x10 and 1e3 were 16 and 1000), a new 属性 or
 * product row is incomplete until filled in (not "prefecture is empty", not an empty list the
 * parser refuses), arrow keys on ＋条件を追加 and 移動 only browse, one name per RFM cell, the
 * includeDeleted box names deleted customers, and a stopped server is said plainly and counted
 * again once it is back. Counts are compared with the library's one-shot counts (the CLI's path).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, WEB_ROOT, needChromium, countShown as countShownOn, importShop, closeAll, servedPage, OneShotCounts } from './chromium.js';
import { generateSampleData, openWorkspace, type Workspace } from '../../src/index.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import { tempDir } from '../helpers/cli.js';



needChromium('the marketer\'s inputs');

const ADD = '.group[data-path="where"] > .group-head select[aria-label="条件を追加"]';
const PERIOD = { from: 'today-90d', to: 'today' };

describe.runIf(HAVE_CHROMIUM)('the marketer\'s inputs in Chromium', () => {
  let dir: string;
  let db: string;
  let workspace: Workspace;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let prefecture: string;
  let category: string;
  const definitions: Record<string, unknown> = {};
  const oneShotCounts = new OneShotCounts();
  const oneShotCount = (definition: unknown) => oneShotCounts.of(definition);

  beforeAll(async () => {
    dir = tempDir();
    db = join(dir, 'shop.duckdb');
    const files = await generateSampleData({ customers: 250, outDir: dir, seed: 41, until: '2026-11-15' });
    const oneShot = await openWorkspace({ db });
    try {
      await importShop(oneShot, files);
      prefecture = (await oneShot.builderCatalog()).values.prefecture![0]!;
      category = readFileSync(files.products, 'utf8').split(/\r?\n/)[1]!.split(',')[2]!.replace(/"/g, '');
      Object.assign(definitions, {
        everyone: { where: { all: [] } },
        // ２ and 10,000円 typed: orders ≥ 2 and sales ≥ 10000
        typedNumbers: { where: { all: [{ kind: 'purchases', orderCount: { min: 2 }, sales: { min: 10000 } }] } },
        prefecture: { where: { all: [{ kind: 'field', field: 'prefecture', op: 'eq', value: prefecture }] } },
        categoryRow: { where: { all: [{ kind: 'purchases', window: { from: 'today-365d', to: 'today' }, orderCount: { min: 1 }, products: [{ count: { min: 1 }, categories: [category] }] }] } },
        tenure: { where: { all: [{ kind: 'tenure', min: 0, max: 30 }] } },
      });
      for (const definition of Object.values(definitions)) await oneShotCounts.keep(oneShot, definition);
    } finally {
      await oneShot.close();
    }
    expect(oneShotCount(definitions.typedNumbers)).toBeGreaterThan(0);
    expect(oneShotCount(definitions.categoryRow)).toBeGreaterThan(0);

    ({ workspace, server, browser, page } = await servedPage(db));
    await page.goto(server.url);
  }, 180_000);

  afterAll(() => closeAll({ browser, server, workspace }));

  const countShown = (total: number) => countShownOn(page, total);

  /** The definition as the JSON view holds it. */
  async function shownDefinition(): Promise<unknown> {
    await page.click('nav.tabs button:has-text("JSON")');
    const definition = JSON.parse(await page.inputValue('[data-testid=json-text]'));
    await page.click('nav.tabs button:has-text("条件")');
    return definition;
  }

  /** The fault codes shown beside the field of a JSON path; the count shows "—" meanwhile. */
  async function faultsBeside(path: string): Promise<string[]> {
    const beside = page.locator(`ul.faults[data-fault-path="${path}"]`);
    await beside.first().waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => document.querySelector('.count-bar')?.getAttribute('data-state') === 'fault');
    expect(await page.textContent('[data-testid=count-total]')).toBe('—');
    return beside.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-code') ?? ''));
  }

  async function startNew(): Promise<void> {
    await page.click('.segments-panel button:has-text("新規")');
    await countShown(oneShotCount(definitions.everyone));
  }

  it('reads ２ and 10,000円 as numbers, and refuses 0x10 and 1e3 as it refuses abc', async () => {
    await startNew();
    await page.selectOption(ADD, 'purchases');
    await page.fill('input[data-path="where.all[0].orderCount.min"]', '２');
    await page.fill('input[data-path="where.all[0].sales.min"]', '10,000円');
    await countShown(oneShotCount(definitions.typedNumbers));
    expect(await shownDefinition()).toEqual(definitions.typedNumbers);

    for (const [box, range, typed] of [['orderCount.min', 'orderCount', '0x10'], ['orderCount.min', 'orderCount', '1e3'], ['sales.min', 'sales', '1e3'], ['orderCount.min', 'orderCount', 'abc']] as const) {
      await page.fill(`input[data-path="where.all[0].${box}"]`, typed);
      expect(await faultsBeside(`where.all[0].${range}`), typed).toContain('not-a-number');
      await page.fill('input[data-path="where.all[0].orderCount.min"]', '2');
      await page.fill('input[data-path="where.all[0].sales.min"]', '10000');
      await countShown(oneShotCount(definitions.typedNumbers));
    }
  });

  it('shows a new 属性 as incomplete until a value is typed, never as "prefecture is empty"', async () => {
    await startNew();
    await page.selectOption(ADD, 'field');
    expect(await faultsBeside('where.all[0]')).toContain('missing-operand');
    expect(await page.textContent('ul.faults[data-fault-path="where.all[0]"]')).toContain('値を入力してください');
    expect(await shownDefinition()).toEqual({ where: { all: [{ kind: 'field', field: 'prefecture', op: 'eq' }] } });
    // choosing the field again starts it without a value too
    await page.selectOption('select[data-path="where.all[0].field"]', 'prefecture');
    expect(await faultsBeside('where.all[0]')).toContain('missing-operand');
    await page.fill('input[data-path="where.all[0].value"]', prefecture);
    await countShown(oneShotCount(definitions.prefecture));
  });

  it('counts a product row of a category alone, or of a remark alone; a new row asks for one', async () => {
    await startNew();
    await page.selectOption(ADD, 'period');
    await page.fill('input[data-path="where.all[0].window.from"]', 'today-365d');
    await page.click('.leaf[data-path="where.all[0]"] button.add-row');
    expect(await faultsBeside('where.all[0].products[0]')).toContain('empty-product-row');
    await page.fill('input[data-path="where.all[0].products[0].categories"]', category);
    await countShown(oneShotCount(definitions.categoryRow));
    expect(await shownDefinition()).toEqual(definitions.categoryRow);

    await page.fill('input[data-path="where.all[0].products[0].categories"]', '');
    await page.fill('input[data-path="where.all[0].products[0].remarkContains"]', '定期');
    await page.waitForFunction(() => document.querySelector('.count-bar')?.getAttribute('data-state') === 'done', undefined, { timeout: 10_000 });
    const rows = ((await shownDefinition()) as { where: { all: Array<{ products: unknown[] }> } }).where.all[0]!.products;
    expect(rows).toEqual([{ count: { min: 1 }, remarkContains: '定期' }]);
  });

  it('counts a 最新受注 filter of media alone (no empty store list left behind)', async () => {
    await startNew();
    await page.selectOption(ADD, 'purchases');
    await page.check('input[aria-label="最新購入情報 (最新受注)"]');
    expect(await faultsBeside('where.all[0].lastOrder')).toContain('missing-property');
    await page.fill('input[data-path="where.all[0].lastOrder.media"]', 'google');
    await page.waitForFunction(() => document.querySelector('.count-bar')?.getAttribute('data-state') === 'done', undefined, { timeout: 10_000 });
    // ticking and unticking ADコードなし leaves no empty media list either
    await page.fill('input[data-path="where.all[0].lastOrder.media"]', '');
    await page.check('input[aria-label="最新購入情報 (最新受注) ADコードなしも含む"]');
    await page.uncheck('input[aria-label="最新購入情報 (最新受注) ADコードなしも含む"]');
    await page.fill('input[data-path="where.all[0].lastOrder.stores"]', '100');
    await page.waitForFunction(() => document.querySelector('.count-bar')?.getAttribute('data-state') === 'done', undefined, { timeout: 10_000 });
    expect(await shownDefinition()).toEqual({ where: { all: [{ kind: 'purchases', orderCount: { min: 1 }, lastOrder: { stores: ['100'] } }] } });
  });

  it('browses ＋条件を追加 and 移動 with arrow keys without adding or moving; Enter adds', async () => {
    await startNew();
    const add = page.locator(ADD);
    await add.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    expect(await page.locator('.leaf').count()).toBe(0);
    expect(await add.inputValue()).toBe('period'); // the keys did browse the kinds
    await page.keyboard.press('Enter');
    await page.locator('.leaf[data-path="where.all[0]"]').waitFor();
    expect(await page.locator('.leaf').count()).toBe(1);
    expect(await page.textContent('.leaf[data-path="where.all[0]"] .leaf-title')).toBe('期間設定');
    expect(await add.inputValue()).toBe('');

    const move = page.locator('select.move[data-path="where.all[0]"]');
    await move.focus();
    for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowDown');
    expect(await move.inputValue()).not.toBe('');
    expect(await page.locator('.group[data-path="where.all[0]"]').count()).toBe(0);
    await page.keyboard.press('Tab');
    expect(await page.locator('.leaf[data-path="where.all[0]"]').count()).toBe(1);
    expect(await move.inputValue()).toBe('');
  });

  it('names each RFM cell the same in the RFM分析 condition and in 集計', async () => {
    await startNew();
    await page.click('nav.results-tabs button:has-text("集計")');
    await page.selectOption('select[aria-label="集計項目"]', 'rfm');
    await page.waitForSelector('.results[data-state=done] table[data-field="rfm"]', { timeout: 10_000 });
    const rows = await page.$$eval('[data-testid=breakdown] tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-value') ?? '', tr.querySelector('td')?.textContent ?? ''] as const));
    await page.click('nav.results-tabs button:has-text("会員一覧")');
    await page.selectOption(ADD, 'rfm');
    const cells = new Map(await page.$$eval('select[data-path="where.all[0].cell"] option', (options) => options.map((o) => [(o as HTMLOptionElement).value, o.textContent ?? ''] as const)));
    const named = rows.filter(([cell]) => cells.has(cell));
    expect(named.length).toBeGreaterThan(3);
    for (const [cell, label] of named) expect(label, cell).toBe(cells.get(cell));
  });

  it('labels includeDeleted as deleted customers, and says the withdrawn are counted either way', async () => {
    const box = page.locator('input[data-path="includeDeleted"]');
    expect(await box.getAttribute('aria-label')).toBe('削除済みの顧客を含む');
    expect(await page.textContent('.document-fields')).not.toContain('退会者を含む');
    expect(await page.textContent('[data-testid=include-deleted-hint]')).toContain('退会者はこの設定に関係なく含まれます');
    await page.click('button.lang');
    expect(await box.getAttribute('aria-label')).toBe('Include deleted customers');
    expect(await page.textContent('[data-testid=include-deleted-hint]')).toContain('Withdrawn customers are counted either way');
    await page.click('button.lang');
  });

  it('says plainly that the server cannot be reached, and counts again once it is back', async () => {
    await startNew();
    const port = Number(new URL(server.url).port);
    await server.close();
    await page.selectOption(ADD, 'tenure');
    const unreachable = page.locator('[data-testid=count-unreachable]');
    await unreachable.waitFor({ timeout: 10_000 });
    expect(await unreachable.textContent()).toContain('サーバーに接続できません');
    const bar = await page.textContent('.count-bar');
    for (const raw of ['入力エラー', 'Failed to fetch', 'TypeError']) expect(bar).not.toContain(raw);
    expect(await page.getAttribute('.count-bar', 'data-state')).toBe('unreachable');

    // saving says the same sentence, not the browser's error
    await page.fill('input[aria-label="セグメント名"]', 'while-down');
    await page.click('.segment-actions button:has-text("別名で保存")');
    await page.waitForSelector('[data-testid=segment-note]');
    expect(await page.textContent('[data-testid=segment-note]')).toContain('サーバーに接続できません');

    await page.click('button.lang');
    expect(await unreachable.textContent()).toContain('Cannot reach the server');
    await page.click('button.lang');

    server = await startServer(workspace, { host: '127.0.0.1', port, webRoot: WEB_ROOT });
    await countShown(oneShotCount(definitions.tenure)); // no edit: the page asks again by itself
    expect(await unreachable.count()).toBe(0);
  });
});
