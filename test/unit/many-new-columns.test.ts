/**
 * A file bringing many new `attr:` columns makes the customers table again with them (load.ts
 * widenTable) instead of one ALTER TABLE per column: the rows, the columns the file lacks, the
 * table's constraints and the kept lookup columns must come through, in the same transaction.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { openWorkspace, type Workspace } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kumiwake-widen-'));
const db = join(dir, 'shop.duckdb');
const csv = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const NEW = Array.from({ length: 40 }, (_, i) => `attr:n${i}`);

describe('a file with many new attr: columns', () => {
  let shop: Workspace;
  beforeAll(async () => {
    shop = await openWorkspace({ db });
    await shop.import({ table: 'customers', files: [csv('first.csv', 'customer_id,name,birthday,tags,attr:rank\nc1,花子,1990-12-01,vip,gold\nc2,太郎,1985-06-01,newsletter,silver\n')] });
  });
  afterAll(() => shop.close());

  it('adds them with the rows, the columns it lacks and the constraints kept; a bad row leaves the table as it was', async () => {
    const wide = (rows: string[]) => `customer_id,${NEW.join(',')}\n${rows.join('\n')}\n`;
    const bad = await shop.import({ table: 'customers', files: [csv('bad.csv', wide(['c2,' + NEW.map(() => 'x').join(','), ',' + NEW.map(() => 'y').join(',')]))] }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Error);
    await shop.import({ table: 'customers', files: [csv('wide.csv', wide(['c2,' + NEW.map((_, i) => `v${i}`).join(','), 'c3,' + NEW.map(() => 'w').join(',')]))] });
    await shop.close();
    const engine = await DuckDBEngine.open(db, { readOnly: true });
    try {
      const rows = await engine.all<Record<string, unknown>>(`SELECT customer_id, name, "attr:rank" AS rank, "attr:n0" AS n0, "attr:n39" AS n39 FROM customers ORDER BY customer_id`);
      expect(rows).toEqual([
        { customer_id: 'c1', name: '花子', rank: 'gold', n0: null, n39: null },
        { customer_id: 'c2', name: '太郎', rank: 'silver', n0: 'v0', n39: 'v39' },
        { customer_id: 'c3', name: null, rank: null, n0: 'w', n39: 'w' },
      ]);
      const columns = await engine.all<{ name: string }>(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'customers' ORDER BY ordinal_position`);
      expect(columns.slice(-40).map((c) => c.name)).toEqual(NEW);
      const [made] = await engine.all<{ sql: string }>(`SELECT sql FROM duckdb_tables() WHERE table_name = 'customers'`);
      expect(made!.sql).toMatch(/^CREATE TABLE customers\(customer_id VARCHAR NOT NULL,/);
    } finally {
      engine.close();
    }
    shop = await openWorkspace({ db });
    const ids = async (where: unknown) => (await shop.members({ definition: { where } as never }, { asOf: '2026-12-03', limit: 10 })).rows.map((r) => r.customer_id).sort();
    expect(await ids({ all: [{ kind: 'birthday', month: 12 }, { kind: 'tags', tags: ['vip'] }] })).toEqual(['c1']);
    expect(await ids({ kind: 'field', field: 'attr:n0', op: 'eq', value: 'w' })).toEqual(['c3']);
  });
});
