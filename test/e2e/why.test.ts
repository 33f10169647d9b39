import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/index.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { displayWidth } from '../../src/cli/text-table.js';

const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;
const AS_OF = '2025-03-31';

/** What only the CLI does: arguments, the text and --json output, exit statuses. The figures are checked in test/unit/why-*.test.ts. */
describe('kumiwake why and kumiwake customer', () => {
  let db: string;
  let def: string;
  beforeAll(async () => {
    const dir = tempDir();
    db = join(dir, 'shop.duckdb');
    const shop = await openWorkspace({ db });
    try {
      for (const [table, file] of [['customers', 'customers'], ['products', 'products'], ['purchases', 'purchases'], ['mails', 'mails'], ['mail-events', 'mail_events']] as const) {
        await shop.import({ table, files: [join(SHOP, `${file}.csv`)] });
      }
      // 003 has a custom attribute (an upsert of that column alone).
      writeFileSync(join(dir, 'rank.csv'), 'customer_id,attr:会員ランク\n003,ゴールド\n');
      await shop.import({ table: 'customers', files: [join(dir, 'rank.csv')] });
      await shop.segments.save('vip', { where: { kind: 'tags', tags: ['vip'] } });
      await shop.segments.save('buyers', { where: { kind: 'purchases', orderCount: { min: 1 } } });
    } finally {
      await shop.close();
    }
    def = join(dir, 'def.json');
    writeFileSync(def, JSON.stringify({ where: { all: [{ kind: 'purchases', orderCount: { min: 2 } }, { not: { kind: 'field', field: 'prefecture', op: 'eq', value: '大阪府' } }] } }));
  });

  it('prints the tree as JSON: in, and every node with its path, truth value and figures (customer ids stay text: 001)', () => {
    const r = runCli(['why', '001', def, '--db', db, '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const why = JSON.parse(r.stdout);
    expect(why).toMatchObject({ customer_id: '001', in: true, asOf: AS_OF, deleted: false });
    // 001 has two counted orders (O1, O2) and lives in 東京都.
    expect(why.nodes.map((n: { path: string; holds: boolean }) => [n.path, n.holds])).toEqual([
      ['where', true], ['where.all[0]', true], ['where.all[1]', true], ['where.all[1].not', false],
    ]);
    expect(why.nodes[1].figures).toMatchObject({ orderCount: 2, sales: 4500 });
    expect(why.nodes[3].figures).toEqual({ field: 'prefecture', value: '東京都' });
  });

  it('prints an indented tree with ✓ and ✗ for a customer who is out, naming the saved segment', () => {
    const r = runCli(['why', '002', '--segment', 'buyers', '--db', db, '--as-of', AS_OF]);
    expect(r.code, r.stderr).toBe(0);
    // 002's orders are cancelled or not counted.
    expect(r.stdout).toContain('customer 002 is NOT in the segment as of 2025-03-31');
    expect(r.stdout).toMatch(/^✗ purchases: .*\[where\]$/m);
    expect(r.stdout).toContain('lifetime: 0 orders, sales 0');
  });

  it('refuses an unknown customer with exit status 2, naming the near miss', () => {
    const r = runCli(['why', '００１', def, '--db', db, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.code).toBe('unknown-customer');
    expect(r.stderr).toContain('there is no customer "００１" (customer ids compare exactly, as imported; did you mean "001"?)');
    // A member number without its zeros: the ids of that number.
    const unpadded = runCli(['why', '2', def, '--db', db]);
    expect(unpadded.code).toBe(2);
    expect(unpadded.stderr).toContain('there is no customer "2" (customer ids compare exactly, as imported; did you mean "002"?)');
  });

  it('prints a customer as JSON with the saved segments they are in', () => {
    const r = runCli(['customer', '001', '--db', db, '--as-of', AS_OF, '--orders', '1', '--events', '5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const page = JSON.parse(r.stdout);
    expect(page.customer_id).toBe('001');
    expect(page.record[0]).toEqual({ column: 'customer_id', label: '会員番号', value: '001' });
    expect(page.lifetime).toMatchObject({ orderCount: 2, sales: 4500, averageOrderValue: 2250 });
    expect(page.orders.map((o: { orderId: string }) => o.orderId)).toEqual(['O1']);
    expect(page.events).toHaveLength(2);
    expect(page.segments).toEqual([{ name: 'buyers', in: true }, { name: 'vip', in: true }]);
  });

  it('prints a customer as text: labelled record, orders with lines, events, segments', () => {
    const r = runCli(['customer', '003', '--db', db, '--as-of', AS_OF]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mail_status\s+送信状態: address_error/);
    // An attribute row has its group's name for a label, aligned by terminal cells with the others (会員ランク is 10 cells).
    const row = (column: string) => r.stdout.split('\n').find((l) => l.startsWith(`  ${column} `))!;
    expect(row('attr:会員ランク')).toMatch(/^ {2}attr:会員ランク +会員ランク: ゴールド$/);
    expect(displayWidth(row('attr:会員ランク').split('会員ランク: ')[0]!)).toBe(displayWidth(row('mail_status').split('送信状態: ')[0]!));
    expect(r.stdout).toContain('lifetime (counted orders): 2 orders, sales 2,100, average order 1,050');
    expect(r.stdout).toMatch(/^ {2}O[56] {2}2024-12-31 10:00:00/m);
    expect(r.stdout).toContain('in 2 of 2 saved segments as of 2025-03-31: buyers, vip');
  });

  it('takes an id starting with a minus after a flag as the id (only cut points join such a value)', () => {
    const r = runCli(['customer', '--json', '-1001', '--db', db, '--as-of', AS_OF]);
    expect([r.code, JSON.parse(r.stdout).error.code]).toEqual([2, 'unknown-customer']);
  });
});
