import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace, type Workspace } from '../../src/index.js';

// A cell Japanese spreadsheets leave "empty" often holds a full-width space (U+3000) or a no-break
// space: it is no address. The stored reachable flags (count, reachable(email)) and the rules the
// planner writes (reachable(email_pc), is_empty, count --by, why) once disagreed on it.
const CUSTOMERS = [
  'customer_id,email_pc,mail_permission,postal_code,address,dm_permission,name',
  'c1,a@example.jp,pc,100-0001,東京都千代田区,allowed,山田',
  'c2,\u3000,pc,\u3000,東京都,allowed,\u3000',
  'c3,\u00a0,pc,100-0001,\u00a0\u3000,allowed,\u00a0',
  'c4,"\u2003 \u3000",pc,100-0001,東京都,allowed,"\u3000山田\u3000"',
  'c5,\u3000b@example.jp,pc,100-0002,大阪府,allowed,x',
  'c6,,pc,,,allowed,',
];

describe('a text of nothing but spaces, full-width and no-break ones too, is blank in every rule', () => {
  let shop: Workspace;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kumiwake-blank-')), 'customers.csv');
    writeFileSync(file, `${CUSTOMERS.join('\n')}\n`);
    shop = await openWorkspace({ db: ':memory:' });
    await shop.import({ table: 'customers', files: [file] });
  });
  afterAll(() => shop.close());

  const ids = async (where: unknown) => (await shop.members({ definition: { where } as never }, { limit: 100 })).rows.map((r) => r.customer_id).sort();
  const count = async (where: unknown) => shop.count({ definition: { where } as never });

  it('reaches by email and by DM only the customers with an address', async () => {
    expect(await ids({ kind: 'reachable', channel: 'email_pc' })).toEqual(['c1', 'c5']);
    expect(await ids({ kind: 'reachable', channel: 'email' })).toEqual(['c1', 'c5']);
    expect(await ids({ all: [{ kind: 'reachable', channel: 'email_pc' }, { not: { kind: 'reachable', channel: 'email' } }] })).toEqual([]);
    expect(await ids({ kind: 'reachable', channel: 'dm' })).toEqual(['c1', 'c4', 'c5']);
    const all = await count({ all: [] });
    expect(all.reachable).toMatchObject({ email: 2, dm: 3 });
  });

  it('counts the same reachable customers by a field as in all', async () => {
    const byName = await shop.breakdown({ definition: { where: { all: [] } } as never }, { by: ['gender'] });
    expect(byName.total.reachable).toMatchObject({ email: 2, dm: 3 });
  });

  it('finds the blank cells with is_empty and the others with is_not_empty', async () => {
    expect(await ids({ kind: 'field', field: 'email_pc', op: 'is_empty' })).toEqual(['c2', 'c3', 'c4', 'c6']);
    expect(await ids({ kind: 'field', field: 'name', op: 'is_not_empty' })).toEqual(['c1', 'c4', 'c5']);
    expect(await ids({ kind: 'field', field: 'address', op: 'is_empty' })).toEqual(['c3', 'c6']);
  });

  it('explains a customer with a full-width space for an address as not reachable', async () => {
    const why = await shop.why('c2', { definition: { where: { kind: 'reachable', channel: 'email_pc' } } as never });
    expect(why.in).toBe(false);
  });
});

// Fixed-width exports pad cells with full-width spaces (`東京都　`): kept, `東京都` would not find
// them, and a count by prefecture would show three rows that all read 東京都.
describe('spaces around a cell, full-width and no-break ones too, are not stored', () => {
  let shop: Workspace;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kumiwake-padded-'));
    writeFileSync(join(dir, 'customers.csv'), 'customer_id,prefecture,points\nq1,東京都\u3000,\u3000120\nq2,東京都,120\u00a0\nq3,東京都\u00a0,7\nq4,\u3000東京都,7\n\u3000q5\u3000, 大阪府 ,\u3000\n');
    writeFileSync(join(dir, 'purchases.csv'), 'order_id,customer_id,ordered_at,product_code,amount,status\nA1,q5\u3000,2026-01-05 10:00:00,P1\u3000,1000\u3000,完了\u3000\nA2,\u00a0q1,2026-01-06 10:00:00,P1,500,\u3000完了\n');
    shop = await openWorkspace({ db: ':memory:' });
    await shop.import({ table: 'customers', files: [join(dir, 'customers.csv')] });
    await shop.import({ table: 'purchases', files: [join(dir, 'purchases.csv')] });
  });
  afterAll(() => shop.close());

  const ids = async (where: unknown) => (await shop.members({ definition: { where } as never }, { limit: 100 })).rows.map((r) => r.customer_id).sort();

  it('finds every padded value by the value itself, ids and numbers included', async () => {
    expect(await ids({ kind: 'field', field: 'prefecture', op: 'eq', value: '東京都' })).toEqual(['q1', 'q2', 'q3', 'q4']);
    expect(await ids({ kind: 'field', field: 'points', op: 'eq', value: 120 })).toEqual(['q1', 'q2']);
    expect(await ids({ kind: 'field', field: 'points', op: 'is_empty' })).toEqual(['q5']);
    // The lines' padded customer ids are the customers' own; the product and status are as written without the spaces.
    expect(await ids({ kind: 'purchases', statuses: ['完了'], products: [{ products: ['P1'], count: { min: 1 } }], sales: { min: 500 } })).toEqual(['q1', 'q5']);
    const byPrefecture = await shop.breakdown({ definition: { where: { all: [] } } as never }, { by: ['prefecture'] });
    expect(byPrefecture.breakdown.map((r) => [r.key['prefecture'], r.count])).toEqual([['東京都', 4], ['大阪府', 1]]);
  });
});
