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

/** The customers table's number of columns and of attr: columns. */
async function tableState(): Promise<{ columns: number; attrs: number }> {
  const engine = await DuckDBEngine.open(db, { readOnly: true });
  try {
    const [row] = await engine.all<{ columns: bigint; attrs: bigint }>(`SELECT
      (SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers') AS columns,
      (SELECT count(*) FROM information_schema.columns WHERE table_name = 'customers' AND starts_with(column_name, 'attr:')) AS attrs`);
    return { columns: Number(row!.columns), attrs: Number(row!.attrs) };
  } finally {
    engine.close();
  }
}

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
    expect(String(bad)).toMatch(/bad\.csv:3/);
    await shop.close();
    // The failed file left the table as it was.
    const before = await tableState();
    expect(before.attrs).toBe(1);
    shop = await openWorkspace({ db });
    await shop.import({ table: 'customers', files: [csv('wide.csv', wide(['c2,' + NEW.map((_, i) => `v${i}`).join(','), 'c3,' + NEW.map(() => 'w').join(',')]))] });
    await shop.close();
    const widened = await tableState();
    expect(widened).toEqual({ columns: before.columns + 40, attrs: 41 });
    shop = await openWorkspace({ db });
    await shop.import({ table: 'customers', files: [csv('two-more.csv', 'customer_id,attr:m1,attr:m2\nc1,a,b\n')] });
    await shop.close();
    expect(await tableState()).toEqual({ columns: widened.columns + 2, attrs: 43 });
    const engine = await DuckDBEngine.open(db, { readOnly: true });
    try {
      const rows = await engine.all<Record<string, unknown>>(`SELECT customer_id, name, "attr:rank" AS rank, "attr:n0" AS n0, "attr:n39" AS n39 FROM customers ORDER BY customer_id`);
      expect(rows).toEqual([
        { customer_id: 'c1', name: '花子', rank: 'gold', n0: null, n39: null },
        { customer_id: 'c2', name: '太郎', rank: 'silver', n0: 'v0', n39: 'v39' },
        { customer_id: 'c3', name: null, rank: null, n0: 'w', n39: 'w' },
      ]);
      const columns = await engine.all<{ name: string }>(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'customers' ORDER BY ordinal_position`);
      expect(columns.slice(-42, -2).map((c) => c.name)).toEqual(NEW);
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
