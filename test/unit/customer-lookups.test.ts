/**
 * The birthday and tags conditions read the month-day and the tags text every customers import
 * keeps (sql/customer-columns.sql). They must follow an upsert, a database made before the
 * columns, and fall back to the list when a stored tag holds the separator the text uses.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { openWorkspace, type Workspace } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kumiwake-lookups-'));
let shops: Workspace[] = [];
afterEach(async () => {
  for (const shop of shops) await shop.close();
  shops = [];
});

async function shopWith(name: string, csv: string): Promise<{ shop: Workspace; db: string }> {
  const db = join(dir, `${name}.duckdb`);
  const shop = await openWorkspace({ db });
  shops.push(shop);
  await shop.import({ table: 'customers', files: [csvFile(name, csv)] });
  return { shop, db };
}

function csvFile(name: string, csv: string): string {
  const file = join(dir, `${name}.csv`);
  writeFileSync(file, csv);
  return file;
}

const ids = async (shop: Workspace, where: unknown) =>
  (await shop.members({ definition: { where } as never }, { asOf: '2026-12-03', limit: 100 })).rows.map((r) => r.customer_id).sort();

const DECEMBER = { kind: 'birthday', from: '12-01', to: '12-31' };
const MID_DECEMBER_TO_JANUARY = { kind: 'birthday', from: '12-15', to: '01-10' };
const VIP = { kind: 'tags', tags: ['vip'] };
const VIP_AND_NEWSLETTER = { kind: 'tags', tags: ['vip', 'newsletter'], match: 'all' };

const CUSTOMERS = `customer_id,birthday,tags
c1,1990-12-01,vip;newsletter
c2,1985-12-31,VIP
c3,2000-01-10,newsletter
c4,1999-02-29,
c5,,vip
c6,1970-12-20,vipx;x-vip
`;

describe('birthday and tags read what the customers import keeps', () => {
  it('answers from the kept columns after an import and after an upsert changes them', async () => {
    const { shop } = await shopWith('upsert', CUSTOMERS.replace('1999-02-29', '1996-02-29'));
    const { sql } = await shop.explain({ definition: { where: { all: [DECEMBER, VIP] } } as never }, { asOf: '2026-12-03' });
    expect(sql).toContain('birthday_month_day');
    expect(sql).toContain('tags_text');
    expect(await ids(shop, DECEMBER)).toEqual(['c1', 'c2', 'c6']);
    expect(await ids(shop, MID_DECEMBER_TO_JANUARY)).toEqual(['c2', 'c3', 'c6']);
    expect(await ids(shop, { kind: 'birthday', month: 2 })).toEqual(['c4']);
    expect(await ids(shop, VIP)).toEqual(['c1', 'c2', 'c5']);
    expect(await ids(shop, VIP_AND_NEWSLETTER)).toEqual(['c1']);
    expect(await ids(shop, { not: VIP })).toEqual(['c3', 'c4', 'c6']);

    await shop.import({ table: 'customers', mode: 'upsert', files: [csvFile('upsert-2', 'customer_id,birthday,tags\nc1,1990-01-05,newsletter\nc3,2000-12-02,vip;newsletter\n')] });
    expect(await ids(shop, DECEMBER)).toEqual(['c2', 'c3', 'c6']);
    expect(await ids(shop, VIP)).toEqual(['c2', 'c3', 'c5']);
    expect(await ids(shop, VIP_AND_NEWSLETTER)).toEqual(['c3']);

    // A file without tags leaves the kept tags text as it was (it is not read again).
    await shop.import({ table: 'customers', mode: 'upsert', files: [csvFile('upsert-3', 'customer_id,birthday\nc2,1985-01-05\nc7,1999-12-24\n')] });
    expect(await ids(shop, DECEMBER)).toEqual(['c3', 'c6', 'c7']);
    expect(await ids(shop, VIP)).toEqual(['c2', 'c3', 'c5']);
    expect(await ids(shop, { not: VIP })).toEqual(['c1', 'c4', 'c6', 'c7']);
  });

  it('reads the list when a stored tag holds the separator of the kept text', async () => {
    const { shop } = await shopWith('separator', 'customer_id,tags\nc1,a\u001fvip\u001fb\nc2,vip\nc3,newsletter\n');
    const { sql } = await shop.explain({ definition: { where: VIP } as never }, { asOf: '2026-12-03' });
    expect(sql).not.toContain('tags_text');
    expect(await ids(shop, VIP)).toEqual(['c2']);
  });

  it('fills the columns once on a database made before them', async () => {
    const { shop, db } = await shopWith('old', CUSTOMERS.replace('1999-02-29', '1996-02-29'));
    await shop.close();
    shops = [];
    const old = await DuckDBEngine.open(db);
    await old.run('ALTER TABLE customers DROP COLUMN birthday_month_day');
    await old.run('ALTER TABLE customers DROP COLUMN tags_text');
    await old.run(`DELETE FROM schema_info WHERE key = 'customer_lookups'`);
    old.close();
    const reopened = await openWorkspace({ db });
    shops.push(reopened);
    expect(await ids(reopened, { all: [DECEMBER, VIP] })).toEqual(['c1', 'c2']);
    expect((await reopened.explain({ definition: { where: VIP } as never }, { asOf: '2026-12-03' })).sql).toContain('tags_text');
  });
});
