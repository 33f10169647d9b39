/**
 * The forms of issues 14 and 15's conditions, the text (query) view and job files written as a
 * query, in a real browser (Debian's Chromium through playwright-core, as builder.test.ts). Every
 * property of every kind (test/browser/full-leaves.ts, checked against the JSON Schema by
 * test/unit/builder-forms.test.ts) must have a control at its JSON path; definitions built by
 * clicking must be the expected JSON and show the library's one-shot count of it.
 * One browser, one server; a generated shop of 400 customers with subscriptions.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, needChromium, countShown as countShownOn, closeAll, servedPage } from './chromium.js';
import { generateSampleData, openWorkspace, parseQuery, printQuery, type Workspace } from '../../src/index.js';
import type { RunningServer } from '../../src/server/serve.js';
import { tempDir } from '../helpers/cli.js';
import { FULL_DOCUMENT, FULL_LEAVES, valuePaths } from './full-leaves.js';



needChromium('the new forms\' browser tests');

const leaf = (node: Record<string, unknown>) => ({ where: { all: [node] } });

/** The definitions the tests build by clicking, as the page must write them. */
const BUILT = {
  rfmCell: leaf({ kind: 'rfm', cell: 'loyal' }),
  rfmScores: leaf({ kind: 'rfm', r: [4, 5], f: [3, 5] }),
  subscription: leaf({ kind: 'subscription', status: ['active', 'paused'], count: { min: 0, max: 0 } }),
  purchases: leaf({
    kind: 'purchases', orderCount: { min: 1 }, lastOrder: { stores: ['200'] },
    window: { from: 'today-90d', to: 'today' }, shipWindow: { from: 'today-60d', to: 'today' }, statuses: ['完了'],
  }),
  birthday: leaf({ kind: 'birthday', month: 3 }),
  loose: leaf({ kind: 'field', field: 'prefecture', op: 'eq', value: '東京 都', loose: true }),
  tokyo: leaf({ kind: 'field', field: 'prefecture', op: 'eq', value: '東京都' }),
  champions: { where: { kind: 'rfm', cell: 'champions' } },
};
const JOB_QUERY = printQuery(BUILT.champions);

describe.runIf(HAVE_CHROMIUM)('the new conditions\' forms and the text view in Chromium', () => {
  let dir: string;
  let workspace: Workspace;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const counts = new Map<string, number>();
  const countOf = (definition: unknown) => counts.get(JSON.stringify(definition)) ?? -1;

  beforeAll(async () => {
    dir = tempDir();
    const db = join(dir, 'shop.duckdb');
    const files = await generateSampleData({ customers: 400, outDir: dir, seed: 7, until: '2026-10-31' });
    // The expected counts come from a one-shot workspace (the CLI's path), closed before the server opens its own.
    const oneShot = await openWorkspace({ db });
    try {
      for (const [table, file] of [['customers', files.customers], ['products', files.products], ['purchases', files.purchases], ['subscriptions', files.subscriptions]] as const) {
        await oneShot.import({ table, files: [file] });
      }
      await oneShot.segments.save('vip', BUILT.tokyo);
      for (const definition of [...Object.values(BUILT), { where: { all: [] } }]) counts.set(JSON.stringify(definition), (await oneShot.count({ definition })).count);
    } finally {
      await oneShot.close();
    }
    mkdirSync(join(dir, 'jobs'));
    writeFileSync(join(dir, 'jobs', 'champions.json'), JSON.stringify({ query: JOB_QUERY, schedule: '0 9 * * 1', outputs: [{ path: 'champions.csv' }] }));
    ({ workspace, server, browser, page } = await servedPage(db, { jobsDir: join(dir, 'jobs'), outputRoot: join(dir, 'out') }));
    await page.goto(server.url);
  });

  afterAll(() => closeAll({ browser, server, workspace }));

  const tab = (name: string) => page.click(`main.layout nav.tabs:not(.results-tabs) button:text-is("${name}")`);

  /** Puts a definition in the page through its JSON view and shows the tree. */
  async function load(definition: unknown): Promise<void> {
    await tab('JSON');
    await page.fill('[data-testid=json-text]', JSON.stringify(definition));
    await tab('条件');
  }

  async function shownDefinition(): Promise<unknown> {
    await tab('JSON');
    const text = await page.inputValue('[data-testid=json-text]');
    await tab('条件');
    return JSON.parse(text);
  }

  const countShown = (total: number) => countShownOn(page, total);

  /** Starts from an empty tree and adds one condition of a kind with the tree's own select. */
  async function addLeaf(kind: string): Promise<void> {
    await load({ where: { all: [] } });
    await page.selectOption('.group[data-path="where"] > .group-head select[aria-label="条件を追加"]', kind);
  }

  /** The definition built and the count shown are the expected JSON and the library's count of it. */
  async function built(expected: unknown): Promise<void> {
    expect(countOf(expected)).toBeGreaterThanOrEqual(0);
    await countShown(countOf(expected));
    expect(await shownDefinition()).toEqual(expected);
  }

  it('has a control at the JSON path of every property of every kind', async () => {
    await load({ ...FULL_DOCUMENT, where: { all: FULL_LEAVES } });
    const controls = await page.$$eval('input[data-path], select[data-path], textarea[data-path]', (els) => els.map((e) => e.getAttribute('data-path') ?? ''));
    // a control's path without list indexes and group names: where.all[8].products[0].count.min → products.count.min
    const plain = (path: string) => path.replace(/\[\d+\]|\["(?:[^"\\]|\\.)*"\]/g, '');
    const missing: string[] = [];
    for (const [i, node] of FULL_LEAVES.entries()) {
      const own = controls.filter((c) => c.startsWith(`where.all[${i}].`)).map((c) => plain(c.slice(`where.all[${i}].`.length)));
      for (const p of valuePaths(node).filter((v) => v !== 'kind')) {
        if (!own.some((c) => c === p || c.startsWith(`${p}.`))) missing.push(`${String(node.kind)} ${p}`);
      }
    }
    for (const p of Object.keys(FULL_DOCUMENT)) if (!controls.includes(p)) missing.push(p);
    // the builder catalog: every field and attribute is a choice of a field condition, every order group a row of 期間設定 and of 最新受注
    const catalog = (await (await fetch(`${server.url}api/schema`)).json()).catalog as { fields: Array<{ name: string }>; attributes: string[]; orderGroups: string[] };
    const fieldChoices = await page.$$eval('select[data-path="where.all[0].field"] option', (options) => options.map((o) => (o as HTMLOptionElement).value));
    for (const name of [...catalog.fields.map((f) => f.name), ...catalog.attributes]) if (!fieldChoices.includes(name)) missing.push(`catalog field ${name}`);
    const purchases = FULL_LEAVES.findIndex((l) => l.kind === 'purchases');
    for (const group of catalog.orderGroups) {
      for (const at of [`where.all[${purchases}].groups`, `where.all[${purchases}].lastOrder.groups`]) {
        if (!controls.includes(`${at}[${JSON.stringify(group)}]`) && !controls.includes(`${at}.${group}`)) missing.push(`catalog order group ${group} at ${at}`);
      }
    }
    expect(catalog.orderGroups.length + catalog.attributes.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
    // every example reads without a fault: the count is shown, no fault listed
    await page.waitForFunction(() => document.querySelector('.count-bar')?.getAttribute('data-state') === 'done', undefined, { timeout: 10_000 });
    expect(await page.locator('.faults').count()).toBe(0);
  });

  it('builds rfm conditions by cell (ロイヤル顧客) and by score ranges', async () => {
    await addLeaf('rfm');
    await expect(page.locator('select[data-path="where.all[0].cell"] option:checked').textContent()).resolves.toBe('優良顧客');
    await page.selectOption('select[data-path="where.all[0].cell"]', 'loyal');
    await built(BUILT.rfmCell);
    await page.click('button.lang');
    await expect(page.locator('select[data-path="where.all[0].cell"] option:checked').textContent()).resolves.toBe('Loyal');
    await page.click('button.lang');
    await page.selectOption('.leaf[data-path="where.all[0]"] select[aria-label="指定方法"]', 'scores');
    await page.selectOption('select[data-path="where.all[0].f[0]"]', '3');
    await page.selectOption('select[data-path="where.all[0].f[1]"]', '5');
    await built(BUILT.rfmScores);
  });

  it('builds a subscription condition (継続 or 休止, none such: 0～0), a fault beside its field', async () => {
    await addLeaf('subscription');
    await page.check('input[data-path="where.all[0].status"][value=paused]');
    await page.fill('input[data-path="where.all[0].count.min"]', '0');
    await page.fill('input[data-path="where.all[0].count.max"]', '0');
    await built(BUILT.subscription);
    await page.fill('input[data-path="where.all[0].deliveries.min"]', 'abc');
    await expect.poll(() => page.locator('.faults[data-fault-path="where.all[0].deliveries"] .fault').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await page.fill('input[data-path="where.all[0].deliveries.min"]', '');
    await built(BUILT.subscription);
  });

  it('builds a purchases condition with 出荷日, 対応状況 and the latest order\'s store', async () => {
    await addLeaf('purchases');
    await page.check('input[data-path="where.all[0].lastOrder"]');
    await page.fill('input[data-path="where.all[0].lastOrder.stores"]', '200');
    await page.check('.leaf[data-path="where.all[0]"] label.check:has-text("期間・店舗などで絞り込む") input');
    await page.fill('input[data-path="where.all[0].shipWindow.from"]', 'today-60d');
    await page.fill('input[data-path="where.all[0].shipWindow.to"]', 'today');
    await page.fill('input[data-path="where.all[0].statuses"]', '完了');
    await built(BUILT.purchases);
  });

  it('builds a birthday month and a loose text match (表記ゆれを無視)', async () => {
    await addLeaf('birthday');
    await page.selectOption('.leaf[data-path="where.all[0]"] select[aria-label="指定方法"]', 'month');
    await page.selectOption('select[data-path="where.all[0].month"]', '3');
    await built(BUILT.birthday);
    await addLeaf('field');
    await page.fill('input[data-path="where.all[0].value"]', '東京 都');
    await page.check('input[data-path="where.all[0].loose"]');
    await built(BUILT.loose);
    // spaces ignored: the same customers as 東京都 written exactly
    expect(countOf(BUILT.loose)).toBe(countOf(BUILT.tokyo));
    expect(countOf(BUILT.tokyo)).toBeGreaterThan(0);
  });

  it('edits the definition as a query in the text view, faults at line:column with the caret', async () => {
    await load(BUILT.loose);
    await tab('テキスト');
    await expect.poll(() => page.inputValue('[data-testid=query-text]'), { timeout: 10_000 }).toBe(printQuery(BUILT.loose));
    const text = printQuery(BUILT.champions);
    await page.fill('[data-testid=query-text]', text);
    const definition = parseQuery(text);
    counts.set(JSON.stringify(definition), countOf(BUILT.champions));
    await expect.poll(async () => { await tab('JSON'); const shown = JSON.parse(await page.inputValue('[data-testid=json-text]')); await tab('テキスト'); return shown; }, { timeout: 10_000 }).toEqual(definition);
    await countShown(countOf(BUILT.champions));
    await page.fill('[data-testid=query-text]', `${text} and (`);
    const fault = page.locator('.query-faults pre.fault');
    await expect.poll(async () => (await fault.count()) > 0 ? await fault.textContent() : '', { timeout: 10_000 }).toMatch(/query 1:\d+: [\s\S]*\^/);
    // the definition stays the last one that read
    await countShown(countOf(BUILT.champions));
    await tab('条件');
  });

  it('saves a job written as a query as the query alone', async () => {
    await page.click('button[data-screen=jobs]');
    await page.click('button[data-job=champions]');
    await expect(page.inputValue('textarea[data-path=query]')).resolves.toBe(JOB_QUERY);
    await page.click('[data-testid=save-job]');
    await expect.poll(async () => page.textContent('[data-testid=job-note]'), { timeout: 10_000 }).toContain('ジョブを保存しました');
    const saved = JSON.parse(readFileSync(join(dir, 'jobs', 'champions.json'), 'utf8')) as Record<string, unknown>;
    expect(saved.query).toBe(JOB_QUERY);
    expect(saved).not.toHaveProperty('definition');
    await page.click('button[data-screen=builder]');
  });
});
