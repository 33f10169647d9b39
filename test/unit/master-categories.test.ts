import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { products, purchases } from '../../src/catalog/tables.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { copyMasterCategories } from '../../src/engine/duckdb/import/master-categories.js';
import { numberLoadedLines } from '../../src/engine/duckdb/import/lines-numbered-later.js';
import { tempDir } from '../helpers/cli.js';

// Large category copies must not hold every changed value in memory until the commit (at 3x one
// update of 60M lines ran out of the default 400 MB): a products import that changes many lines
// makes the lines' table again, and a full load numbered later copies them a range at a time.
// Both are exercised here at small sizes by lowering their thresholds.

const LINES = 'order_id,line_no,customer_id,ordered_at,product_code,quantity,amount\n'
  + Array.from({ length: 60 }, (_, i) => `O${Math.floor(i / 3)},${1 + (i % 3)},C${i % 7},2024-0${1 + (i % 9)}-10 10:00:00,P${i % 5},1,${100 + i}`).join('\n') + '\n';
/** P0-P3 in the master (P3 without a category), P4 not: its lines' category is empty. */
const MASTER = 'product_code,category\nP0,食品\nP1,"雑貨, \'その他\'"\nP2,食品\nP3,\n';
const RECATEGORISED = 'product_code,category\nP0,化粧品\nP1,雑貨\nP2,食品\nP3,サプリ\n';

const lines = (db: DuckDBEngine) => db.all('SELECT * FROM purchases ORDER BY order_id, line_no');
const made = (db: DuckDBEngine) => db.all(`SELECT sql FROM duckdb_tables() WHERE table_name = 'purchases'`);

describe('copying the master categories onto many lines', () => {
  let dir: string;
  let inPlace: DuckDBEngine;
  let remade: DuckDBEngine;
  beforeAll(async () => {
    dir = tempDir();
    writeFileSync(join(dir, 'lines.csv'), LINES);
    writeFileSync(join(dir, 'master.csv'), MASTER);
    writeFileSync(join(dir, 'recategorised.csv'), RECATEGORISED);
    const shop = async (name: string) => {
      const db = await DuckDBEngine.open(join(dir, name));
      await importFiles(db, { table: products, files: [join(dir, 'master.csv')] });
      await importFiles(db, { table: purchases, files: [join(dir, 'lines.csv')] });
      await importFiles(db, { table: products, files: [join(dir, 'recategorised.csv')], mode: 'replace' });
      return db;
    };
    inPlace = await shop('in-place.duckdb');
    remade = await shop('remade.duckdb');
  });
  afterAll(() => {
    inPlace?.close();
    remade?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same lines by making the table again as by updating them, the table made alike', async () => {
    const before = await made(remade);
    await remade.run(`UPDATE products SET category = 'ギフト' WHERE product_code = 'P2'`);
    await inPlace.run(`UPDATE products SET category = 'ギフト' WHERE product_code = 'P2'`);
    await remade.transaction(() => copyMasterCategories(remade, 'purchases', 'true', 0));
    await inPlace.transaction(() => copyMasterCategories(inPlace, 'purchases', 'true', 1_000));
    expect(await lines(remade)).toEqual(await lines(inPlace));
    const categories = await remade.all(`SELECT DISTINCT product_code, product_category FROM purchases ORDER BY product_code`);
    expect(categories).toEqual([
      { product_code: 'P0', product_category: '化粧品' }, { product_code: 'P1', product_category: '雑貨' },
      { product_code: 'P2', product_category: 'ギフト' }, { product_code: 'P3', product_category: 'サプリ' },
      { product_code: 'P4', product_category: null },
    ]);
    expect(await made(remade)).toEqual(before);
  });

  it('leaves the lines as they were when the transaction making the table again fails', async () => {
    await remade.run(`UPDATE products SET category = '家電' WHERE product_code = 'P0'`);
    const before = await lines(remade);
    await expect(remade.transaction(async () => {
      await copyMasterCategories(remade, 'purchases', 'true', 0);
      throw new Error('a later step failed');
    })).rejects.toThrow('a later step failed');
    expect(await lines(remade)).toEqual(before);
    expect(await remade.all(`SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'kumiwake%'`)).toEqual([]);
  });

  it('numbers and categorises lines loaded without them a range of rowids per transaction, none left out', async () => {
    const db = await DuckDBEngine.open(join(dir, 'numbered.duckdb'));
    try {
      await importFiles(db, { table: products, files: [join(dir, 'master.csv')] });
      // 41 lines in file order, as a load that numbers later leaves them: every line_no 1, no category.
      await db.run(`CREATE TABLE side AS SELECT * FROM purchases LIMIT 0`);
      await db.run(`INSERT INTO side (order_id, line_no, customer_id, ordered_at, product_code)
        SELECT 'O' || (i // 4), 1, 'C1', TIMESTAMP '2024-01-01', 'P' || (i % 5) FROM range(41) t(i) ORDER BY i`);
      let transactions = 0;
      await numberLoadedLines(db, 'side', {
        copyCategories: true, rowidsPerTransaction: 6n,
        transaction: (work) => { transactions += 1; return db.transaction(work); },
      });
      expect(transactions).toBe(7);
      const [check] = await db.all<{ misnumbered: bigint; uncategorised: bigint }>(`
        SELECT count(*) FILTER (WHERE line_no <> 1 + (rowid % 4)) AS misnumbered,
               count(*) FILTER (WHERE product_category IS DISTINCT FROM ['食品', '雑貨, ''その他''', '食品', NULL, NULL][1 + (rowid % 5)]) AS uncategorised
        FROM side`);
      expect(check).toEqual({ misnumbered: 0n, uncategorised: 0n });
    } finally {
      db.close();
    }
  });
});
