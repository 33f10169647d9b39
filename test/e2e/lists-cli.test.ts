/**
 * What only the CLI does for issue 14, item 10: `export --sort --limit --rows` and `mails list`
 * flags, their output and exit statuses (the rules themselves: test/unit/export-lists.test.ts,
 * test/unit/mail-catalogue.test.ts). Expected values are worked out by hand from
 * test/fixtures/shop (comments say how).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/index.js';
import { parseCsv, runCli, tempDir } from '../helpers/cli.js';

const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;
let dir: string;
let db: string;
let buyers: string;

beforeAll(async () => {
  dir = tempDir('kumiwake-lists-cli-');
  db = join(dir, 'shop.duckdb');
  const shop = await openWorkspace({ db });
  for (const [table, file] of [['customers', 'customers'], ['purchases', 'purchases'], ['mails', 'mails'], ['mail-events', 'mail_events']] as const) {
    await shop.import({ table, files: [join(SHOP, `${file}.csv`)] });
  }
  await shop.close();
  buyers = join(dir, 'buyers.json');
  writeFileSync(buyers, JSON.stringify({ version: 1, where: { kind: 'purchases', orderCount: { min: 1 } } }));
});

const csvOf = (path: string) => parseCsv(readFileSync(path, 'utf8').replace(/^\uFEFF/, '')).filter((r) => r.length > 1 || r[0] !== '');

describe('export --sort, --limit, --rows', () => {
  it('writes the first N customers by the sort keys, and says how many of the segment it wrote', () => {
    // Buyers with a counted order (004 is deleted): 001 (O1 1,500 + O2 3,000 = 4,500, last order O1 on
    // 2025-03-30 at store 100) and 003 (O5 2,000 + O6 100 = 2,100).
    const out = join(dir, 'top.csv');
    const r = runCli(['export', buyers, '--db', db, '--out', out, '--as-of', '2025-04-30', '--sort', 'total_sales:desc', '--limit', '1',
      '--columns', 'customer_id,total_sales,average_order_value,days_since_last_order,last_order_store_id']);
    expect(r.code, r.stderr).toBe(0);
    // After the warning that order lines of customer 999 (not in customers) count for no one.
    expect(r.stdout).toMatch(/^warning: where: 1 of the \d+ customers of the order lines is not in customers[^\n]*\n2 customers as of 2025-04-30, the first 1 written to /);
    expect(csvOf(out)).toEqual([['customer_id', 'total_sales', 'average_order_value', 'days_since_last_order', 'last_order_store_id'], ['001', '4500', '2250', '31', '100']]);
  }, 60_000);

  it("writes the segment's order lines with --rows purchases (--json says how many)", () => {
    // 001's lines O2/1, O1/1, O1/2 by order time, then 003's O5/1 and O6/1 (same time: by order id).
    const out = join(dir, 'lines.csv');
    const r = runCli(['export', buyers, '--db', db, '--out', out, '--rows', 'purchases', '--columns', 'customer_id,order_id,line_no,amount', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ count: 2, rows: 5 });
    expect(csvOf(out).map((row) => row.join(' '))).toEqual([
      'customer_id order_id line_no amount', '001 O2 1 3000', '001 O1 1 1000', '001 O1 2 500', '003 O5 1 2000', '003 O6 1 100',
    ]);
  }, 60_000);

  it('refuses an unknown sort column and a negative limit (exit 2), writing nothing', () => {
    const out = join(dir, 'never.csv');
    let r = runCli(['export', buyers, '--db', db, '--out', out, '--sort', 'shoe_size:desc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--sort[0]: unknown column "shoe_size"');
    r = runCli(['export', buyers, '--db', db, '--out', out, '--limit', '-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a limit is a whole number of rows, 0 or more, not -1');
    expect(() => readFileSync(out)).toThrow();
  }, 60_000);
});

describe('mails list', () => {
  it('prints the catalogue newest first with send, open and click counts, narrowed by subject and send days', () => {
    // mail_events: M1 sent to 003, opened by 001 and 002; M2 opened by 001, clicked by 005.
    const r = runCli(['mails', 'list', '--db', db, '--subject', 'ｾｰﾙ', '--sent', '2025-03-01~2025-03-31']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n').map((l) => l.split(/\s{2,}/))).toEqual([
      ['sent at', 'mail id', 'kind', 'sends', 'opens', 'clicks', 'subject'],
      ['2025-03-20 10:00', 'M2', 'scenario', '0', '1', '1', 'ｾｰﾙ終了'],
      ['2025-03-01 10:00', 'M1', 'manual', '1', '2', '0', '春のセール'],
      ['2 mails'],
      [''],
    ]);
    const json = runCli(['mails', 'list', '--db', db, '--sent', '2025-01-01', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ mails: [{ mailId: 'S1', subject: '誕生日', sentAt: '2025-01-01 00:00:00', kind: 'auto', storeId: null, sends: 0, opens: 0, clicks: 0 }] });
  }, 60_000);

  it('reads a kind and a day as the importer does, and refuses an unknown kind or a range written with .. naming the separator ~ (exit 2)', () => {
    const listed = (...args: string[]) => {
      const r = runCli(['mails', 'list', '--db', db, '--json', ...args]);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout).mails as Array<{ mailId: string }>).map((m) => m.mailId);
    };
    for (const kind of ['manual', 'MANUAL', '手動']) expect(listed('--kind', kind), kind).toEqual(['M1']);
    expect(listed('--sent', '2025/03/01~2025/03/31')).toEqual(['M2', 'M1']);
    expect(listed('--sent', '2025年1月1日')).toEqual(['S1']);
    const kind = runCli(['mails', 'list', '--db', db, '--kind', 'automatic']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toMatch(/^kumiwake: --kind automatic: unknown mail kind \(expected manual, scheduled, scenario, auto or auto_scenario, or as the importer reads them: .*手動/);
    const dots = runCli(['mails', 'list', '--db', db, '--sent', 'today-30d..']);
    expect(dots.code).toBe(2);
    expect(dots.stderr).toContain('--sent today-30d..: "today-30d.." is not a date');
    expect(dots.stderr).toContain('a range is FROM~TO, either end left out (today-30d~, ~2026-10-31)');
  }, 60_000);

  it('refuses a range whose start comes after its end (exit 2)', () => {
    const r = runCli(['mails', 'list', '--db', db, '--sent', '2025-04-01~2025-03-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('2025-04-01 comes after 2025-03-01');
  }, 60_000);
});
