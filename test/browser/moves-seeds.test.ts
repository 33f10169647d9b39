/**
 * Issue 16 as a marketer tries it, in a real browser (Debian's Chromium through playwright-core,
 * as builder.test.ts) on a shop the other browser tests do not use (seed 31): conditions moved
 * between groups by the 移動 menu, seed products' searches reproduced by clicking
 * (src/web/seed-forms.md), and the customer page's remarks under the shop's remark labels.
 * Every definition built must be the expected JSON, and the page's count must equal what
 * `kumiwake count DEF --json` (the CLI, run as a process before the server opens the database)
 * prints for it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, needChromium, countShown as countShownOn, shopTables, closeAll, servedPage } from './chromium.js';
import { generateSampleData, type Workspace } from '../../src/index.js';
import type { RunningServer } from '../../src/server/serve.js';
import { runCli, tempDir } from '../helpers/cli.js';



needChromium('the moves and seed searches');

/** A generated CSV (CP932, as a cart writes it) as rows of cells; no cell of these files holds a comma. */
const csvRows = (file: string) => iconv.decode(readFileSync(file), 'cp932').trim().split(/\r?\n/).map((line) => line.split(','));

const gender = { kind: 'field', field: 'gender', op: 'eq', value: 'female' };
const status = { kind: 'field', field: 'status', op: 'eq', value: '優良ユーザー' };
const age = { kind: 'age', min: 20, max: 29 };

/** The trees the move test passes through, in order. */
const MOVES = {
  built: { where: { all: [gender, { any: [status] }, age] } },
  movedInto: { where: { all: [gender, { any: [status, age] }] } },
  movedOut: { where: { all: [gender, { any: [age] }, status] } },
  wrapped: { where: { all: [{ not: gender }, { any: [age] }, status] } },
};

describe.runIf(HAVE_CHROMIUM)('moving conditions and the seed searches in Chromium', () => {
  let dir: string;
  let db: string;
  let workspace: Workspace;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let product: string;
  let saleMails: string[];
  let remarked: { id: string; remark: string };
  const seeds: Record<string, unknown> = {};
  /** `kumiwake count DEF --json` of every definition the tests build */
  const cliCounts = new Map<string, number>();
  const cliCount = (definition: unknown) => {
    const count = cliCounts.get(JSON.stringify(definition));
    if (count === undefined) throw new Error(`no CLI count for ${JSON.stringify(definition)}`);
    return count;
  };

  beforeAll(async () => {
    dir = tempDir();
    db = join(dir, 'shop.duckdb');
    const files = await generateSampleData({ customers: 300, outDir: dir, seed: 31, until: '2026-11-15' });
    for (const [table, file] of shopTables(files)) {
      const imported = runCli(['import', table, file, '--db', db]);
      expect(imported.code, imported.stderr).toBe(0);
    }
    const labelled = runCli(['settings', 'set', 'remark-label', '1', 'FAX番号', '--db', db]);
    expect(labelled.code, labelled.stderr).toBe(0);

    product = csvRows(files.products)[1]![0]!;
    const mails = csvRows(files.mails);
    saleMails = mails.slice(1).filter((row) => row[2]!.includes('セール')).map((row) => row[0]!).sort();
    const customers = csvRows(files.customers);
    const remarkColumn = customers[0]!.indexOf('備考1');
    const withRemark = customers.slice(1).find((row) => row[remarkColumn] !== '')!;
    remarked = { id: withRemark[0]!, remark: withRemark[remarkColumn]! };

    // LTV-Lab: 過去の購入商品 P 購入回数 0～0, and 期間設定 購入日 365日前～今日 購入回数 1～
    seeds.ltvLab = { where: { all: [
      { kind: 'purchases', products: [{ products: [product], count: { min: 0, max: 0 } }] },
      { kind: 'purchases', window: { from: 'today-365d', to: 'today' }, orderCount: { min: 1 } },
    ] } };
    // LTV-Lab 開封履歴を除外する (履歴選択: 件名「セール」), reachable by email
    seeds.mailExclusion = { where: { all: [{ not: { kind: 'mail', event: 'open', mails: saleMails } }, { kind: 'reachable', channel: 'email' }] } };
    // SATORI: ステータス, タグ絞り込み (含める / 除外), 配信許可 承認 (not 拒否)
    seeds.satori = { where: { all: [
      { kind: 'field', field: 'status', op: 'in', values: ['VIP', '優良ユーザー'] },
      { kind: 'tags', tags: ['vip'] },
      { not: { kind: 'tags', tags: ['sample'] } },
      { kind: 'field', field: 'mail_permission', op: 'not_in', values: ['refused'] },
    ] } };
    // ecforce / Ripist: 性別 (checkboxes), 生年月日 範囲指定, 顧客ID範囲, 削除: 含む
    seeds.ecforce = { includeDeleted: true, where: { all: [
      { kind: 'field', field: 'gender', op: 'in', values: ['female'] },
      { kind: 'field', field: 'birthday', op: 'between', min: '1970-01-01', max: '1989-12-31' },
      { kind: 'field', field: 'customer_id', op: 'between', min: 1, max: 150 },
    ] } };
    for (const [i, definition] of [...Object.values(MOVES), ...Object.values(seeds), { where: { all: [] } }].entries()) {
      const file = join(dir, `definition-${i}.json`);
      writeFileSync(file, JSON.stringify(definition));
      const counted = runCli(['count', file, '--db', db, '--json']);
      expect(counted.code, counted.stderr).toBe(0);
      cliCounts.set(JSON.stringify(definition), (JSON.parse(counted.stdout) as { count: number }).count);
    }
    expect(saleMails.length).toBeGreaterThan(1);
    // the searches pick some customers, not all and not none, so a wrong tree shows
    for (const definition of Object.values(seeds)) expect(cliCount(definition)).toBeGreaterThan(0);
    for (const definition of Object.values(seeds)) expect(cliCount(definition)).toBeLessThan(cliCount({ where: { all: [] } }));
    expect(new Set(Object.values(MOVES).map(cliCount)).size).toBeGreaterThan(2);

    ({ workspace, server, browser, page } = await servedPage(db));
  }, 180_000);

  afterAll(() => closeAll({ browser, server, workspace }));

  const countShown = (total: number) => countShownOn(page, total);

  /** The JSON view's definition and the count beside it equal the expected definition and the CLI's count of it. */
  async function shows(definition: unknown): Promise<void> {
    await countShown(cliCount(definition));
    await page.click('nav.tabs button:has-text("JSON")');
    expect(JSON.parse(await page.inputValue('[data-testid=json-text]'))).toEqual(definition);
    await page.click('nav.tabs button:has-text("条件")');
  }

  const addTo = (group: string, kind: string) => page.selectOption(`.group[data-path="${group}"] > .group-head select[aria-label="条件を追加"]`, kind);
  const moveMenu = (path: string) => `select.move[data-path="${path}"]`;

  async function fresh(): Promise<void> {
    await page.goto(server.url);
    await countShown(cliCount({ where: { all: [] } }));
  }

  it('moves a condition into another group, out of it, and wraps one in NOT, by the 移動 menu', async () => {
    await fresh();
    await addTo('where', 'field');
    await page.selectOption('select[data-path="where.all[0].field"]', 'gender');
    await page.selectOption('select[data-path="where.all[0].value"]', 'female');
    await page.click('.group[data-path="where"] > .group-head button:has-text("グループを追加")');
    await page.selectOption('.group[data-path="where.all[1]"] > .group-head select[aria-label="条件"]', 'any');
    await addTo('where.all[1]', 'field');
    await page.selectOption('select[data-path="where.all[1].any[0].field"]', 'status');
    await page.fill('input[data-path="where.all[1].any[0].value"]', '優良ユーザー');
    await addTo('where', 'age');
    await shows(MOVES.built);

    // a group is offered no group of its own (nor the one it is in): here only the wraps
    expect(await page.$$eval(`${moveMenu('where.all[1]')} option`, (os) => os.map((o) => (o as HTMLOptionElement).value)))
      .toEqual(['', 'wrap-all', 'wrap-any', 'wrap-not']);
    // the age leaf goes into the OR group, named as its head shows it
    const groupTwo = await page.textContent('.group[data-path="where.all[1]"] > .group-head .group-number');
    const offered = await page.$eval(`${moveMenu('where.all[2]')} option[value="into:where.all[1]"]`, (o) => o.textContent);
    expect(offered).toContain(groupTwo!.trim());
    await page.selectOption(moveMenu('where.all[2]'), 'into:where.all[1]');
    // the moved condition's menu has the focus, so a keyboard user goes on from there
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-path') === 'where.all[1].any[1]', undefined, { timeout: 5_000 });
    await shows(MOVES.movedInto);
    // by the keyboard alone: the menu focused, ↓ shows its first move (out of the OR group) and
    // makes none (action-select.tsx), Enter makes it; and back by the menu
    await page.focus(moveMenu('where.all[1].any[1]'));
    await page.keyboard.press('ArrowDown');
    expect(await page.inputValue(moveMenu('where.all[1].any[1]'))).toBe('out');
    expect(await page.locator('.leaf[data-path="where.all[1].any[1]"]').count()).toBe(1);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-path') === 'where.all[2]', undefined, { timeout: 5_000 });
    await shows(MOVES.built);
    await page.selectOption(moveMenu('where.all[2]'), 'into:where.all[1]');
    await shows(MOVES.movedInto);

    await page.selectOption(moveMenu('where.all[1].any[0]'), 'out');
    await shows(MOVES.movedOut);
    await page.selectOption(moveMenu('where.all[0]'), 'wrap-not');
    await shows(MOVES.wrapped);
    expect(await page.locator('.group[data-path="where.all[0]"] > .group-head select[aria-label="条件"]').inputValue()).toBe('not');
  });

  it('reproduces LTV-Lab\'s 過去の購入商品 0～0 with 期間設定 by clicking', async () => {
    await fresh();
    await addTo('where', 'purchases');
    await page.fill('input[data-path="where.all[0].orderCount.min"]', '');
    await page.click('.leaf[data-path="where.all[0]"] button.add-row');
    await page.fill('input[data-path="where.all[0].products[0].products"]', product);
    await page.fill('input[data-path="where.all[0].products[0].count.min"]', '0');
    await page.fill('input[data-path="where.all[0].products[0].count.max"]', '0');
    await addTo('where', 'period');
    await page.fill('input[data-path="where.all[1].window.from"]', 'today-365d');
    await shows(seeds.ltvLab);
  });

  it('reproduces LTV-Lab\'s 開封履歴を除外する with 履歴選択 by subject, reachable by email', async () => {
    await fresh();
    await addTo('where', 'mail');
    await page.selectOption('.leaf[data-path="where.all[0]"] select[aria-label="対象にする/除外する"]', 'exclude');
    await page.click('.leaf[data-path="where.all[0]"] button:has-text("履歴選択")');
    await page.fill('.mail-picker input[aria-label="件名"]', 'セール');
    for (const id of saleMails) await page.check(`.mail-picker input[type=checkbox][aria-label="${id}"]`);
    // only the mails whose subject holds the word are listed
    expect((await page.$$eval('.mail-picker tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent))).sort()).toEqual(saleMails);
    await addTo('where', 'reachable');
    await shows(seeds.mailExclusion);
  });

  it('reproduces a SATORI customer search: ステータス ticked, タグ to include and to exclude, 配信許可 承認', async () => {
    await fresh();
    await addTo('where', 'field');
    await page.selectOption('select[data-path="where.all[0].field"]', 'status');
    await page.selectOption('select[data-path="where.all[0].op"]', 'in');
    await page.check('input[type=checkbox][data-path="where.all[0].values"][value="VIP"]');
    await page.check('input[type=checkbox][data-path="where.all[0].values"][value="優良ユーザー"]');
    await addTo('where', 'tags');
    await page.fill('input[data-path="where.all[1].tags"]', 'vip');
    await addTo('where', 'tags');
    await page.check('input[type=checkbox][data-path="where.all[2].tags"][value="sample"]');
    await page.selectOption(moveMenu('where.all[2]'), 'wrap-not');
    await addTo('where', 'field');
    await page.selectOption('select[data-path="where.all[3].field"]', 'mail_permission');
    await page.selectOption('select[data-path="where.all[3].op"]', 'not_in');
    await page.check('input[type=checkbox][data-path="where.all[3].values"][value="refused"]');
    await shows(seeds.satori);
  });

  it('reproduces an ecforce / Ripist search: 性別 ticked, 生年月日 範囲指定, 顧客ID範囲, 削除: 含む', async () => {
    await fresh();
    await page.check('input[type=checkbox][data-path="includeDeleted"]');
    await addTo('where', 'field');
    await page.selectOption('select[data-path="where.all[0].field"]', 'gender');
    await page.selectOption('select[data-path="where.all[0].op"]', 'in');
    await page.check('input[type=checkbox][data-path="where.all[0].values"][value="female"]');
    await addTo('where', 'field');
    await page.selectOption('select[data-path="where.all[1].field"]', 'birthday');
    await page.selectOption('select[data-path="where.all[1].op"]', 'between');
    await page.fill('input[data-path="where.all[1].min"]', '1970-01-01');
    await page.fill('input[data-path="where.all[1].max"]', '1989-12-31');
    await addTo('where', 'field');
    await page.selectOption('select[data-path="where.all[2].field"]', 'customer_id');
    await page.selectOption('select[data-path="where.all[2].op"]', 'between');
    await page.fill('input[data-path="where.all[2].min"]', '1');
    await page.fill('input[data-path="where.all[2].max"]', '150');
    await shows(seeds.ecforce);
  });

  it('shows a customer\'s remark under the shop\'s remark label', async () => {
    await page.fill('.customer-lookup input', remarked.id);
    await page.click('.customer-lookup button[type=submit]');
    const row = page.locator('[data-testid=customer-record] tr[data-column=remark_1]');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.locator('th').textContent()).toBe('FAX番号');
    expect(await row.locator('td').textContent()).toBe(remarked.remark);
  });
});
