import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { products, purchases } from '../../src/catalog/tables.js';
import { refreshDerivedTables } from '../../src/engine/duckdb/import/derived.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { tempDir } from '../helpers/cli.js';
import { summaryText } from '../helpers/summaries.js';

// An upsert of a few lines rebuilds the touched customers' customer_summary rows and only the
// touched customer x product and customer x category rows: lines moving between customers,
// products and categories (their own, or the master's) must leave the same summaries as a full rebuild.

const HEADER = 'order_id,line_no,customer_id,ordered_at,product_code,quantity,amount';
const WITH_CATEGORY = `${HEADER},category`;
const line = (order: number, no: number, customer: number, product: number, category?: string) =>
  `O${order},${no},C${customer},2024-0${1 + (order % 9)}-1${order % 10} 10:00,P${product},${1 + (no % 2)},${100 * (order + no)}` +
  (category === undefined ? '' : `,${category}`);

/** A row no import would write, for a pair no line has: a touched rebuild leaves it, a full one removes it. */
const MARKER = `('P-marker', 'C-marker', 9, 9, NULL)`;

describe('summaries of an upsert: touched customer x product and customer x category rows only', () => {
  let dir: string;
  let db: DuckDBEngine;
  beforeAll(async () => {
    dir = tempDir();
    db = await DuckDBEngine.open(join(dir, 'u.duckdb'));
    // P1, P2 are 食品 and P3 雑貨 in the master; P4 has no category; P5 is not in the master.
    writeFileSync(join(dir, 'products.csv'), 'product_code,category\nP1,食品\nP2,食品\nP3,雑貨\nP4,\n');
    await importFiles(db, { table: products, files: [join(dir, 'products.csv')] });
    const lines = [WITH_CATEGORY];
    for (let order = 0; order < 60; order++) {
      for (let no = 1; no <= 2; no++) lines.push(line(order, no, order % 9, 1 + ((order + no) % 5), order % 4 === 0 ? 'セール' : ''));
    }
    writeFileSync(join(dir, 'base.csv'), `${lines.join('\n')}\n`);
    await importFiles(db, { table: purchases, files: [join(dir, 'base.csv')] });
  });
  afterAll(() => db.close());

  async function upsertAndCompare(name: string, text: string[], mode?: 'append'): Promise<void> {
    await db.run(`INSERT INTO customer_products VALUES ${MARKER}`);
    writeFileSync(join(dir, name), `${text.join('\n')}\n`);
    const result = await importFiles(db, { table: purchases, files: [join(dir, name)], mode });
    expect(result.rowsLoaded).toBe(text.length - 1);
    // The marker survived: this upsert rebuilt some rows only (the path under test).
    expect((await db.all(`SELECT 1 FROM customer_products WHERE customer_id = 'C-marker'`)).length).toBe(1);
    await db.run(`DELETE FROM customer_products WHERE customer_id = 'C-marker'`);
    await expectSameAsFullRebuild();
  }

  async function expectSameAsFullRebuild(): Promise<void> {
    const incremental = await summaryText(db);
    await db.transaction(() => refreshDerivedTables(db, 'purchases', 'all'));
    expect(incremental).toBe(await summaryText(db));
  }

  it('a file without categories moves lines to other customers and products (the master category follows)', async () => {
    await upsertAndCompare('moves.csv', [
      HEADER,
      line(1, 1, 8, 3), // C1's P3 line goes to C8: C1 loses 雑貨, C8 gains it
      line(2, 2, 2, 1), // same customer, P4 (no category) becomes P1 (食品)
      line(5, 1, 5, 4), // P2 (食品) becomes P4 (no category)
      line(7, 2, 3, 5), // to a customer and product that were not in this order
      line(90, 1, 4, 3), // a new order
    ]);
    const [c8] = await db.all<{ n: bigint }>(`SELECT order_count AS n FROM customer_categories WHERE customer_id = 'C8' AND category = '雑貨'`);
    expect(c8?.n).toBeGreaterThan(0n);
  });

  it('a file with categories changes a line\'s own category and empties another', async () => {
    await upsertAndCompare('categories.csv', [
      WITH_CATEGORY,
      line(4, 1, 4, 2, 'ギフト'), // セール becomes ギフト
      line(8, 2, 8, 3, ''), // セール emptied: the master's 雑貨
      line(10, 1, 1, 5, 'ギフト'),
    ]);
    const [gift] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM customer_categories WHERE category = 'ギフト'`);
    expect(gift!.n).toBe(2n);
  });

  it('a new customer gains summary rows, and loses them when their only order is cancelled', async () => {
    const rowsOf = async (customer: string) => (await db.all<{ n: bigint }>(
      `SELECT (SELECT count(*) FROM customer_summary WHERE customer_id = $c) + (SELECT count(*) FROM customer_products WHERE customer_id = $c)
        + (SELECT count(*) FROM customer_categories WHERE customer_id = $c) AS n`, { c: customer }))[0]!.n;
    await upsertAndCompare('new-customer.csv', [HEADER, line(95, 1, 20, 1)]);
    expect(await rowsOf('C20')).toBe(3n);
    await upsertAndCompare('cancelled.csv', [`${HEADER},status`, `${line(95, 1, 20, 1)},cancelled`]);
    expect(await rowsOf('C20')).toBe(0n);
  });

  it('a customer\'s latest line time, held by an order neither first nor last, moves back when that line does', async () => {
    const at = (order: number, no: number, day: string) => `O${order},${no},C21,2024-${day} 10:00,P1,1,100`;
    // O300 is the first order, O302 the last; O301 (2 March) has a line on 1 June, the latest.
    await upsertAndCompare('spread.csv', [HEADER, at(300, 1, '03-01'), at(301, 1, '03-02'), at(301, 2, '06-01'), at(302, 1, '03-03')]);
    const latest = async () => String((await db.all<{ t: unknown }>(`SELECT last_line_at::VARCHAR AS t FROM customer_summary WHERE customer_id = 'C21'`))[0]!.t);
    expect(await latest()).toBe('2024-06-01 10:00:00');
    await upsertAndCompare('spread-back.csv', [HEADER, at(301, 2, '03-02')]);
    expect(await latest()).toBe('2024-03-03 10:00:00');
  });

  it('a product pair\'s one order follows the order that holds it (only_order_id)', async () => {
    const at = (order: number, no: number, product: string) => `O${order},${no},C22,2024-05-0${order % 10} 10:00,${product},1,100`;
    const onlyOrder = async (product: string) =>
      (await db.all<{ o: string | null }>(`SELECT only_order_id AS o FROM customer_products WHERE customer_id = 'C22' AND product_code = $p`, { p: product }))[0]?.o;
    // PX in O501 and O502, PY in O501 alone.
    await upsertAndCompare('pair-orders.csv', [HEADER, at(501, 1, 'PX'), at(501, 2, 'PY'), at(502, 1, 'PX')]);
    expect([await onlyOrder('PX'), await onlyOrder('PY')]).toEqual([null, 'O501']);
    // O501 drops PX: PX's one order is O502, which the file does not touch; PY moves to O503.
    await upsertAndCompare('pair-orders-moved.csv', [HEADER, at(501, 1, 'PZ'), at(501, 2, 'PW'), at(503, 1, 'PY')]);
    expect([await onlyOrder('PX'), await onlyOrder('PY')]).toEqual(['O502', 'O503']);
    // PY's count stays 1 while its order changes: O503 becomes PV, O504 brings PY.
    await upsertAndCompare('pair-orders-swapped.csv', [HEADER, at(503, 1, 'PV'), at(504, 1, 'PY')]);
    expect(await onlyOrder('PY')).toBe('O504');
  });

  it('an appended file adds lines to stored orders and new ones', async () => {
    await upsertAndCompare('appended.csv', [HEADER, line(12, 7, 3, 3), line(13, 7, 4, 2), line(400, 1, 5, 1)], 'append');
  });

  it('a file of over 100 columns without line numbers replaces an order\'s lines, numbered by position', async () => {
    const groups = Array.from({ length: 96 }, (_, i) => `group:G${i}`);
    const cells = (product: number) => groups.map((_, i) => `v${product}-${i}`).join(',');
    await upsertAndCompare('wide.csv', [
      `order_id,customer_id,ordered_at,product_code,quantity,amount,${groups.join(',')}`,
      `O3,C6,2024-04-13 10:00,P3,2,700,${cells(3)}`,
      `O3,C6,2024-04-13 10:00,P1,1,300,${cells(1)}`,
    ]);
    const stored = await db.all<{ line_no: bigint; product_code: string; g: string }>(
      `SELECT line_no, product_code, "group:G95" AS g FROM purchases WHERE order_id = 'O3' ORDER BY line_no`);
    expect(stored.map((r) => [Number(r.line_no), r.product_code, r.g])).toEqual([[1, 'P3', 'v3-95'], [2, 'P1', 'v1-95']]);
  });

  it('an upsert changing amounts updates lines and summary rows where they are (no delete: DuckDB pins memory per deleted row\'s vector)', async () => {
    const places = async () => ({
      lines: await db.all<{ r: bigint; amount: number }>(`SELECT rowid AS r, amount FROM purchases WHERE order_id IN ('O20', 'O21') ORDER BY order_id, line_no`),
      products: await db.all<{ r: bigint }>(`SELECT rowid AS r FROM customer_products WHERE customer_id IN ('C2', 'C3') ORDER BY product_code, customer_id`),
      customers: await db.all<{ r: bigint }>(`SELECT rowid AS r FROM customer_summary WHERE customer_id IN ('C2', 'C3') ORDER BY customer_id`),
    });
    const before = await places();
    const changed = (order: number, no: number) => line(order, no, order % 9, 1 + ((order + no) % 5)).replace(/,\d+$/, ',12345');
    writeFileSync(join(dir, 'amounts.csv'), `${[HEADER, changed(20, 1), changed(20, 2), changed(21, 1), changed(21, 2)].join('\n')}\n`);
    await importFiles(db, { table: purchases, files: [join(dir, 'amounts.csv')] });
    const after = await places();
    await expectSameAsFullRebuild();
    expect(after.lines.map((l) => Number(l.amount))).toEqual([12345, 12345, 12345, 12345]);
    expect(after.lines.map((l) => l.r)).toEqual(before.lines.map((l) => l.r));
    expect(after.products).toEqual(before.products);
    expect(after.customers).toEqual(before.customers);
  });
});
