import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { products, purchases } from '../../src/catalog/tables.js';
import { importFiles, LINES_NUMBERED } from '../../src/engine/duckdb/import/run-import.js';
import { PRODUCT_CODES_IN_LOOKUP_AT_MOST } from '../../src/engine/duckdb/import/lines-numbered-later.js';
import { tempDir } from '../helpers/cli.js';
import { phaseLogger } from '../helpers/phases.js';
import { summaryText } from '../helpers/summaries.js';

// A purchases file without line_no numbers each line by its position within its order in the
// file. Loaded alone into an empty table, it goes in straight from the CSV reader and is
// numbered afterwards in the order the table kept; its product categories come from a lookup
// that is no join (a join put some lines out of file order). The file here is large enough for
// DuckDB to read it on several threads, and some orders' lines are apart in it.

/** The product code of an order's n-th line: what the numbering must give back. */
const CODE_OF_LINE = ['P1', 'P2', "P'3", 'P4'] as const;
const ORDERS = 120_000;
/** Lines of about 140 bytes: DuckDB read lines out of order through a join only in files of tens of MB. */
const REMARK = 'ギフト包装あり・のし不要・配送日時指定なし・ポイント利用なし';

/** Orders of 1 to 4 lines; every fifth order's last line comes after the next order's lines. */
function linesWithoutNumbers(): string {
  const out = ['order_id,customer_id,ordered_at,product_code,quantity,amount,status,remark'];
  let held: string | undefined;
  for (let o = 0; o < ORDERS; o++) {
    const count = 1 + (o % 4);
    const line = (n: number) => `O${o},C${o % 9_973},2024-${String(1 + (o % 12)).padStart(2, '0')}-0${1 + (o % 9)} 10:00:00,${CODE_OF_LINE[n]},${1 + (n % 2)},${100 + n},${o % 17 === 0 ? 'cancelled' : '完了'},${REMARK}`;
    const own = Array.from({ length: count }, (_, n) => line(n));
    const split = o % 5 === 0 && count > 1;
    out.push(...(split ? own.slice(0, -1) : own));
    if (held !== undefined) out.push(held);
    held = split ? own.at(-1) : undefined;
  }
  if (held !== undefined) out.push(held);
  return `${out.join('\n')}\n`;
}

describe('a purchases file without line numbers, loaded whole', () => {
  let dir: string;
  let file: string;
  const phases: string[] = [];
  const logger = phaseLogger(phases);

  const loaded = async (name: string, options: { maxRejects?: number }) => {
    const db = await DuckDBEngine.open(join(dir, name));
    await importFiles(db, { table: products, files: [join(dir, 'products.csv')] });
    const result = await importFiles(db, { table: purchases, files: [file], logger, ...options });
    expect(result.rowsStored).toBe(ORDERS * 2.5);
    return db;
  };

  /** The file imported straight (numbered later) and through the stage, with the phases each logged. */
  let direct: { db: DuckDBEngine; phases: string[] };
  let staged: { db: DuckDBEngine; phases: string[] };

  beforeAll(async () => {
    dir = tempDir();
    file = join(dir, 'lines.csv');
    writeFileSync(file, linesWithoutNumbers());
    // P4 is not in the master; P'3 is, without a category.
    writeFileSync(join(dir, 'products.csv'), `product_code,category\nP1,食品\nP2,"雑貨, 'その他'"\n"P'3",\nP9,化粧品\n`);
    phases.length = 0;
    direct = { db: await loaded('direct.duckdb', {}), phases: [...phases] };
    phases.length = 0;
    staged = { db: await loaded('staged.duckdb', { maxRejects: 1 }), phases: [...phases] };
  });
  afterAll(() => {
    direct?.db.close();
    staged?.db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('numbers every line by its place within its order in the file and copies its product\'s category', async () => {
    expect(direct.phases).toContain(LINES_NUMBERED);
    const [check] = await direct.db.all<{ lines: bigint; misnumbered: bigint; orders: bigint; categories: string }>(`
      SELECT count(*) AS lines,
             count(*) FILTER (WHERE product_code IS DISTINCT FROM ['P1', 'P2', 'P''3', 'P4'][line_no]) AS misnumbered,
             count(DISTINCT order_id) AS orders,
             string_agg(DISTINCT product_code || '=' || COALESCE(product_category, '-'), ' ' ORDER BY product_code || '=' || COALESCE(product_category, '-')) AS categories
      FROM purchases`);
    expect(check).toEqual({ lines: BigInt(ORDERS * 2.5), misnumbered: 0n, orders: BigInt(ORDERS), categories: "P'3=- P1=食品 P2=雑貨, 'その他' P4=-" });
    // The lookup's type is gone with the load.
    expect(await direct.db.all(`SELECT 1 FROM duckdb_types() WHERE type_name LIKE 'kumiwake%'`)).toEqual([]);
  });

  it('stores the same lines and summaries as the staged load, which numbers over the stage in file order', async () => {
    expect(staged.phases).not.toContain(LINES_NUMBERED);
    const lines = (db: DuckDBEngine) => db.all('SELECT * FROM purchases ORDER BY order_id, line_no');
    expect(await lines(direct.db)).toEqual(await lines(staged.db));
    expect(await summaryText(direct.db)).toBe(await summaryText(staged.db));
  });

  const small = 'order_id,customer_id,ordered_at,product_code\nA,C1,2024-01-01,P2\nB,C2,2024-01-02,P1\nA,C1,2024-01-01,P1\nB,C2,2024-01-02,P3\n';
  const numbered = (db: DuckDBEngine) => db.all<{ order_id: string; line_no: bigint; product_code: string; product_category: string | null }>(
    'SELECT order_id, line_no, product_code, product_category FROM purchases ORDER BY order_id, line_no');

  it('numbers the lines of a shop without a product master, their categories empty', async () => {
    phases.length = 0;
    writeFileSync(join(dir, 'small.csv'), small);
    const db = await DuckDBEngine.open(join(dir, 'no-master.duckdb'));
    try {
      await importFiles(db, { table: purchases, files: [join(dir, 'small.csv')], logger });
      expect(phases).toContain(LINES_NUMBERED);
      expect(await numbered(db)).toEqual([
        { order_id: 'A', line_no: 1n, product_code: 'P2', product_category: null },
        { order_id: 'A', line_no: 2n, product_code: 'P1', product_category: null },
        { order_id: 'B', line_no: 1n, product_code: 'P1', product_category: null },
        { order_id: 'B', line_no: 2n, product_code: 'P3', product_category: null },
      ]);
    } finally {
      db.close();
    }
  });

  it('loads a file whose product master is larger than the lookup holds directly, its categories copied afterwards', async () => {
    phases.length = 0;
    writeFileSync(join(dir, 'small.csv'), `${small}C,C3,2024-01-03,P4\nC,C3,2024-01-03,P999999\n`);
    // P4 has no category; P999999 is not in the master.
    const master = Array.from({ length: PRODUCT_CODES_IN_LOOKUP_AT_MOST + 1 }, (_, k) => `P${k},${k === 4 ? '' : `c${k % 3}`}`);
    writeFileSync(join(dir, 'large-master.csv'), `product_code,category\n${master.join('\n')}\n`);
    const db = await DuckDBEngine.open(join(dir, 'large-master.duckdb'));
    try {
      await importFiles(db, { table: products, files: [join(dir, 'large-master.csv')] });
      await importFiles(db, { table: purchases, files: [join(dir, 'small.csv')], logger });
      expect(phases).toContain(LINES_NUMBERED);
      expect(await numbered(db)).toEqual([
        { order_id: 'A', line_no: 1n, product_code: 'P2', product_category: 'c2' },
        { order_id: 'A', line_no: 2n, product_code: 'P1', product_category: 'c1' },
        { order_id: 'B', line_no: 1n, product_code: 'P1', product_category: 'c1' },
        { order_id: 'B', line_no: 2n, product_code: 'P3', product_category: 'c0' },
        { order_id: 'C', line_no: 1n, product_code: 'P4', product_category: null },
        { order_id: 'C', line_no: 2n, product_code: 'P999999', product_category: null },
      ]);
      // The category summary counts the copied categories: C1's order A holds c1 and c2.
      expect(await db.all(`SELECT category, order_count FROM customer_categories WHERE customer_id = 'C1' ORDER BY category`))
        .toEqual([{ category: 'c1', order_count: 1n }, { category: 'c2', order_count: 1n }]);
    } finally {
      db.close();
    }
  });
});
