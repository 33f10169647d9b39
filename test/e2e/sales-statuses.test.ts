/**
 * Issue 14 items 1–4 end to end: order lines imported with Japanese headers (Ripist 対応状況, 商品備考), the
 * latest / first order, statuses, remarks and shipWindow counted through the library, and
 * `kumiwake settings set sales-statuses` through the CLI (the counts move, `unset` restores them).
 * Every expected count is worked out by hand in the comments from the file below.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace, type Workspace } from '../../src/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;
const AS_OF = '2025-03-31';

// 001: A1 (Jan, 100, google, 売上完了, のし), A2 (Feb, 200, no media, 発送済) — latest A2, first A1.
// 002: A3 (Jan 20, 100, no media, 発送済, shipped Feb 1, ギフト包装), A4 (Mar, 200, キャンセル) — only A3 counts.
// 003: A5 (Feb, 200, line, 売上完了, ﾉｼ付き).
const PURCHASES = `受注番号,会員番号,購入日時,発送日時,商品コード,売上,対応状況,購入店舗,メディア,受注コード,商品備考
A1,001,2025-01-10 10:00,2025-01-12,P1,1000,売上完了,100,google,A0001,のし
A2,001,2025-02-10 10:00,,P2,2000,発送済,200,,A0002,
A3,002,2025-01-20 10:00,2025-02-01,P1,500,発送済,100,,A0003,ギフト包装
A4,002,2025-03-01 10:00,,P3,700,キャンセル,200,line,A0004,
A5,003,2025-02-15 10:00,2025-02-20,P2,900,売上完了,200,line,A0005,ﾉｼ付き
`;

describe('latest-order conditions, statuses, remarks and the sales-statuses setting', () => {
  let dir: string;
  let db: string;
  let shop: Workspace;
  const count = async (where: unknown) => (await shop.count({ definition: { includeDeleted: true, where } }, { asOf: AS_OF })).count;

  beforeAll(async () => {
    dir = tempDir();
    db = join(dir, 'shop.duckdb');
    writeFileSync(join(dir, 'purchases.csv'), PURCHASES);
    shop = await openWorkspace({ db });
    await shop.import({ table: 'customers', files: [join(SHOP, 'customers.csv')] });
    await shop.import({ table: 'purchases', files: [join(dir, 'purchases.csv')] });
  });
  afterAll(() => shop.close());

  it('counts the new purchases fields on imported lines', async () => {
    // Latest orders at 200: 001 (A2) and 003 (A5); 002's latest counted order is A3 at 100.
    expect(await count({ kind: 'purchases', lastOrder: { stores: ['200'] } })).toBe(2);
    // First order without an AD code: 002 (A3).
    expect(await count({ kind: 'purchases', firstOrder: { media: [], mediaEmpty: true } })).toBe(1);
    // Cancelled orders are found by status: 002 (A4).
    expect(await count({ kind: 'purchases', statuses: ['キャンセル'], orderCount: { min: 1 } })).toBe(1);
    // Ordered in January, shipped from February 1: A3 only.
    expect(await count({ kind: 'purchases', window: { to: '2025-01-31' }, shipWindow: { from: '2025-02-01' }, orderCount: { min: 1 } })).toBe(1);
    // Remarks: のし is 001's A1; ﾉｼ付き folds to ノシ付き, 003's A5.
    expect(await count({ kind: 'purchases', products: [{ remarkContains: 'のし', count: { min: 1 } }] })).toBe(1);
    expect(await count({ kind: 'purchases', lastOrder: { remarkContains: 'ノシ' } })).toBe(1);
  });

  it('kumiwake why shows what the latest order holds beside a lastOrder filter', async () => {
    const why = await shop.why('001', { definition: { where: { kind: 'purchases', lastOrder: { stores: ['100'], media: [], mediaEmpty: true } } } }, { asOf: AS_OF });
    // 001's latest order is A2: store 200, no media, 発送済, A0002 — the store fails, so the leaf does.
    expect(why.in).toBe(false);
    expect(why.nodes[0]!.figures.lastOrder).toEqual({ orderId: 'A2', products: ['P2'], stores: ['200'], media: [null], statuses: ['発送済'], orderCodes: ['A0002'], remarks: [] });
  });

  it('kumiwake settings set sales-statuses changes what counts, and unset restores it', async () => {
    await shop.close();
    const def = join(dir, 'latest-at-200.json');
    writeFileSync(def, JSON.stringify({ includeDeleted: true, where: { kind: 'purchases', lastOrder: { stores: ['200'] } } }));
    const cli = (...args: string[]) => runCli([...args, '--db', db]);

    const set = cli('settings', 'set', 'sales-statuses', '売上完了', '--json');
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ salesStatuses: ['売上完了'], warnings: [] });
    // Only A1 and A5 are sales now: 001's latest is A1 (100), 003's A5 (200).
    expect(JSON.parse(cli('count', def, '--as-of', AS_OF, '--json').stdout).count).toBe(1);

    // A status no line has (a typo) would make no order a sale: said when set, and by every count reading it.
    const typo = cli('settings', 'set', 'sales-statuses', '売上完了済,発送済');
    expect(typo.code, typo.stderr).toBe(0);
    expect(typo.stdout).toContain('warning: (settings) sales-statuses[0]: no order line has status "売上完了済", which the sales-statuses setting counts as sales: no order of it counts (kumiwake settings set sales-statuses) (did you mean "売上完了"?)');
    const typoCount = JSON.parse(cli('count', def, '--as-of', AS_OF, '--json').stdout) as { count: number; warnings: Array<{ code: string; path: string }> };
    expect(typoCount.warnings.map((w) => [w.code, w.path])).toEqual([['value-never-occurs', '(settings) sales-statuses[0]']]);
    // Only A2 and A3 (発送済) are sales: 001's latest is A2 (200), 002's A3 (100).
    expect(typoCount.count).toBe(1);
    // A leaf naming its own statuses does not read the setting: no warning.
    writeFileSync(def, JSON.stringify({ includeDeleted: true, where: { kind: 'purchases', statuses: ['売上完了'], orderCount: { min: 1 } } }));
    expect(JSON.parse(cli('count', def, '--as-of', AS_OF, '--json').stdout).warnings).toEqual([]);
    writeFileSync(def, JSON.stringify({ includeDeleted: true, where: { kind: 'purchases', lastOrder: { stores: ['200'] } } }));

    const unset = cli('settings', 'unset', 'sales-statuses');
    expect(unset.code, unset.stderr).toBe(0);
    expect(JSON.parse(cli('count', def, '--as-of', AS_OF, '--json').stdout).count).toBe(2);
    expect(cli('settings', 'set', 'sales-statuses').code).toBe(2);
    shop = await openWorkspace({ db });
    // The library's own call, with a list: lifetime orders of 売上完了 and 発送済 (A1, A2, A3, A5) belong to 001, 002, 003.
    expect((await shop.setSalesStatuses(['売上完了', '発送済'])).salesStatuses).toEqual(['売上完了', '発送済']);
    expect(await count({ kind: 'purchases', orderCount: { min: 2 } })).toBe(1);
    expect(await count({ kind: 'purchases', orderCount: { min: 1 } })).toBe(3);
  });
});
