/**
 * The builder as audit 41 (data/cache/audit41-web.md) found it in findings 5, 7 and 12, in a real
 * browser (Debian's Chromium through playwright-core, as marketer-inputs.test.ts) on a shop of its
 * own: warnings and faults in Japanese only, at a place named by the boxes' labels and beside the
 * condition they concern (the server's English in the title); the open segment in the URL, so a
 * reload reopens it, and a question before leaving unsaved edits; amounts with separators and 円.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, needChromium, importShop, closeAll, servedPage } from './chromium.js';
import { generateSampleData, openWorkspace, type Workspace } from '../../src/index.js';
import type { RunningServer } from '../../src/server/serve.js';
import { tempDir } from '../helpers/cli.js';


needChromium('the page\'s language and state');

const UNKNOWN_MAIL = { where: { all: [{ kind: 'mail', event: 'open', mails: ['M0300'] }] } };
const BAD_NUMBER = { where: { all: [{ kind: 'purchases', orderCount: { min: 'abc' } }] } };

describe.runIf(HAVE_CHROMIUM)('the page\'s language and state in Chromium', () => {
  let dir: string;
  let workspace: Workspace;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dir = tempDir();
    const db = join(dir, 'shop.duckdb');
    const files = await generateSampleData({ customers: 200, outDir: dir, seed: 45, until: '2026-11-15' });
    const oneShot = await openWorkspace({ db });
    try {
      await importShop(oneShot, files);
    } finally {
      await oneShot.close();
    }
    ({ workspace, server, browser, page } = await servedPage(db));
    await page.goto(server.url);
  }, 180_000);

  afterAll(() => closeAll({ browser, server, workspace }));

  /** Sets the definition through the JSON view, as a marketer pasting one. */
  async function typeDefinition(definition: unknown): Promise<void> {
    await page.click('nav.tabs button:has-text("JSON")');
    await page.fill('[data-testid=json-text]', JSON.stringify(definition));
    await page.click('nav.tabs button:has-text("条件")');
  }

  async function countState(state: 'done' | 'fault'): Promise<void> {
    await page.waitForFunction((want) => document.querySelector('.count-bar')?.getAttribute('data-state') === want, state, { timeout: 10_000 });
  }

  it('says a warning in Japanese, built from its code and value, under the count and beside the mail box', async () => {
    await typeDefinition(UNKNOWN_MAIL);
    await countState('done');
    const listed = page.locator('.count-bar .warnings li[data-code="unknown-mail"]');
    await listed.waitFor({ timeout: 10_000 });
    const text = await listed.textContent() ?? '';
    expect(text).toContain('メール履歴 › メール › 1番目: メール「M0300」はメールにも配信履歴にもありません');
    expect(text).not.toMatch(/there is no|where\.all/);
    expect(await listed.getAttribute('title')).toContain('there is no mail "M0300"');

    const beside = page.locator('ul.field-warnings[data-warning-path="where.all[0].mails"] li[data-code="unknown-mail"]');
    await beside.waitFor({ timeout: 10_000 });
    expect(await beside.textContent()).toContain('メール「M0300」はメールにも配信履歴にもありません');
    expect(await beside.textContent()).toContain('候補');

    // the English page keeps the server's message
    await page.click('button.lang');
    await page.waitForFunction(() => (document.querySelector('.count-bar .warnings li[data-code="unknown-mail"]')?.textContent ?? '').includes('there is no mail "M0300"'));
    expect(await listed.textContent()).toContain('Mail history › Mails › item 1');
    await page.click('button.lang');
  });

  it('says a fault in Japanese only, at the place its boxes name, the parser\'s English in the title', async () => {
    await typeDefinition(BAD_NUMBER);
    await countState('fault');
    const listed = page.locator('[data-testid=count-faults] li[data-code="not-a-number"]');
    await listed.waitFor({ timeout: 10_000 });
    expect(await listed.textContent()).toBe('最新購入情報 (RFM) › 累計購入回数（以上）: 数値で入力してください');
    expect(await listed.getAttribute('title')).toContain('must be a number');
    expect(await page.getAttribute('[data-testid=count-faults] li[data-code="not-a-number"] .place', 'title')).toBe('where.all[0].orderCount.min');
    const beside = page.locator('ul.faults[data-fault-path="where.all[0].orderCount"] li');
    expect(await beside.textContent()).toBe('数値で入力してください');
    expect(await beside.getAttribute('title')).toContain('must be a number');

    await page.click('button.lang');
    await page.waitForFunction(() => (document.querySelector('[data-testid=count-faults] li')?.textContent ?? '').includes('must be a number'));
    expect(await listed.textContent()).toContain('Latest purchases (RFM) › Number of orders (min): ');
    await page.click('button.lang');
  });

  /** The definition as the JSON view holds it. */
  async function shownDefinition(): Promise<unknown> {
    await page.click('nav.tabs button:has-text("JSON")');
    const definition = JSON.parse(await page.inputValue('[data-testid=json-text]'));
    await page.click('nav.tabs button:has-text("条件")');
    return definition;
  }

  /** Saves the definition shown under a new name, by clicking. */
  async function saveAs(name: string): Promise<void> {
    await page.fill('input[aria-label="セグメント名"]', name);
    await page.click('.segment-actions button:has-text("別名で保存")');
    await page.waitForSelector(`[data-segment="${name}"]`);
  }

  it('keeps the open segment in the URL: a reload reopens it, back and forward step between segments', async () => {
    const first = { where: { all: [{ kind: 'tenure', min: 0, max: 30 }] } };
    const second = { where: { all: [{ kind: 'age', min: 20, max: 29 }] } };
    await page.click('.segments-panel button:has-text("新規")');
    await typeDefinition(first);
    await saveAs('url-first');
    expect(new URL(page.url()).hash).toBe('#segment=url-first');
    await typeDefinition(second);
    await saveAs('最初の.2');
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe('#segment=最初の.2');

    await page.reload();
    await page.waitForFunction(() => (document.querySelector('h1')?.textContent ?? '').includes('最初の.2'));
    expect(await page.inputValue('input[aria-label="セグメント名"]')).toBe('最初の.2');
    expect(await shownDefinition()).toEqual(second);

    await page.click('[data-segment="url-first"]');
    expect(new URL(page.url()).hash).toBe('#segment=url-first');
    await page.click('.segments-panel button:has-text("新規")');
    expect(new URL(page.url()).hash).toBe('');
    await page.goBack();
    await page.waitForFunction(() => (document.querySelector('h1')?.textContent ?? '').includes('url-first'));
    expect(await shownDefinition()).toEqual(first);
    await page.goBack();
    await page.waitForFunction(() => (document.querySelector('h1')?.textContent ?? '').includes('最初の.2'));
    expect(await shownDefinition()).toEqual(second);
    await page.goForward();
    await page.waitForFunction(() => (document.querySelector('h1')?.textContent ?? '').includes('url-first'));
    expect(await page.inputValue('input[aria-label="セグメント名"]')).toBe('url-first');
  });

  /** Whether the page's beforeunload handler asks (cancels the event), as the browser's question needs. */
  const leavingIsQuestioned = () => page.evaluate(() => {
    const event = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(event);
    return event.defaultPrevented;
  });

  it('asks before leaving unsaved edits, and only then', async () => {
    const asked: string[] = [];
    const onDialog = (dialog: import('playwright-core').Dialog) => { asked.push(dialog.type()); void dialog.accept(); };
    page.on('dialog', onDialog);
    try {
      await page.click('[data-segment="url-first"]');
      await page.reload();
      await page.waitForFunction(() => (document.querySelector('h1')?.textContent ?? '').includes('url-first'));
      expect(asked).toEqual([]);
      expect(await leavingIsQuestioned()).toBe(false);

      // typed with the keyboard: Chromium asks only on a page the user has acted on
      await page.click('input[data-path="where.all[0].max"]', { clickCount: 3 });
      await page.keyboard.type('40');
      expect(await leavingIsQuestioned()).toBe(true);
      await page.reload();
      await page.waitForFunction(() => (document.querySelector('h1')?.textContent ?? '').includes('url-first'));
      expect(asked).toEqual(['beforeunload']);
      // the saved segment is reopened, not the edit that was dropped
      expect(await page.inputValue('input[data-path="where.all[0].max"]')).toBe('30');

      // back with unsaved edits asks too (the browser's own question is for leaving the page)
      await page.click('.segments-panel button:has-text("新規")');
      await page.click('[data-segment="url-first"]');
      await page.fill('input[data-path="where.all[0].max"]', '41');
      await page.goBack();
      await page.waitForFunction(() => document.querySelector('h1 .current-name') === null);
      expect(asked).toEqual(['beforeunload', 'confirm']);
    } finally {
      page.off('dialog', onDialog);
    }
  });

  it('writes amounts with separators and 円 in the member list and the customer page; the 売上 boxes say 円', async () => {
    await page.click('.segments-panel button:has-text("新規")');
    await typeDefinition({ where: { all: [{ kind: 'purchases', orderCount: { min: 1 } }] } });
    await countState('done');
    await page.click('nav.results-tabs button:has-text("会員一覧")');
    await page.click('th button[data-column="total_sales"]'); // ascending
    await page.click('th button[data-column="total_sales"]'); // descending: the largest first
    await page.waitForFunction(() => (document.querySelector('[data-testid=members] tbody td[data-column="total_sales"]')?.textContent ?? '').includes(','));
    const amounts = await page.$$eval('[data-testid=members] tbody td[data-column="total_sales"]', (tds) => tds.map((td) => td.textContent ?? ''));
    expect(amounts.length).toBeGreaterThan(0);
    for (const amount of amounts) expect(amount).toMatch(/^\d{1,3}(,\d{3})*円$/);

    await page.click('[data-testid=members] tbody button[data-customer]');
    const sales = page.locator('[data-testid=customer-lifetime] tr[data-figure=sales] td');
    await sales.waitFor({ timeout: 10_000 });
    expect(await sales.textContent()).toMatch(/^\d{1,3}(,\d{3})*円$/);
    expect(await page.textContent('[data-testid=customer-lifetime] tr[data-figure=averageOrderValue] td')).toMatch(/^\d{1,3}(,\d{3})*円$/);
    for (const amount of await page.$$eval('[data-testid=customer-orders] tbody td.num', (tds) => tds.map((td) => td.textContent ?? ''))) expect(amount).toMatch(/^\d{1,3}(,\d{3})*円$/);

    for (const end of ['min', 'max']) expect(await page.textContent(`.unit[data-unit-for="where.all[0].sales.${end}"]`)).toBe('円');
    expect(await page.locator('.unit[data-unit-for="where.all[0].orderCount.min"]').count()).toBe(0);
  });
});
