import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, products, purchases } from '../../src/catalog/tables.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { refreshDerivedTables } from '../../src/engine/duckdb/import/derived.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { tempDir } from '../helpers/cli.js';

// A large shop's customer_summary is rebuilt in passes over a hash of customer_id (its first /
// last order states cannot spill: 3M customers ran out of the default memory). Passes must give
// exactly the one-statement figures, every customer in one pass, guests (not in customers) too.

async function summaryRows(db: DuckDBEngine): Promise<string[]> {
  const rows = async (sql: string) => (await db.all(sql)).map((r) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
  return [
    ...(await rows('SELECT * FROM customer_summary ORDER BY customer_id')),
    ...(await rows('SELECT * FROM customer_products ORDER BY product_code, customer_id')),
    ...(await rows('SELECT * FROM customer_categories ORDER BY category, customer_id')),
  ];
}

describe('customer_summary rebuilt in passes', () => {
  let db: DuckDBEngine;
  let lineCount = 0;
  beforeAll(async () => {
    const dir = tempDir();
    db = await DuckDBEngine.open(join(dir, 'passes.duckdb'));
    writeFileSync(join(dir, 'customers.csv'), `customer_id,name\n${Array.from({ length: 40 }, (_, i) => `C${i},n${i}`).join('\n')}\n`);
    writeFileSync(join(dir, 'products.csv'), 'product_code,category\nP1,食品\nP2,雑貨\n');
    const lines = ['order_id,line_no,customer_id,ordered_at,shipped_at,product_code,amount,status'];
    // Ties on the order time (broken by the larger order_id), cancelled orders, and guests G*.
    for (let order = 0; order < 300; order++) {
      const customer = order % 7 === 0 ? `G${order % 5}` : `C${(order * 13) % 45}`;
      const day = 1 + (order % 28);
      for (let no = 1; no <= 1 + (order % 3); no++) {
        lines.push(`O${order},${no},${customer},2025-03-${String(day).padStart(2, '0')} 10:00,2025-03-${String(day).padStart(2, '0')} 18:00,P${1 + (no % 2)},${100 * order + no},${order % 11 === 0 ? 'cancelled' : 'ok'}`);
      }
    }
    writeFileSync(join(dir, 'purchases.csv'), `${lines.join('\n')}\n`);
    lineCount = lines.length - 1;
    await importFiles(db, { table: customers, files: [join(dir, 'customers.csv')] });
    await importFiles(db, { table: products, files: [join(dir, 'products.csv')] });
    await importFiles(db, { table: purchases, files: [join(dir, 'purchases.csv')] });
  });
  afterAll(() => db.close());

  it('gives the same rows in one pass and in several', async () => {
    await db.transaction(() => refreshDerivedTables(db, 'purchases', 'all'));
    const once = await summaryRows(db);
    expect(once.length).toBeGreaterThan(40); // customers and guests
    expect(once.some((row) => row.includes('"G'))).toBe(true);
    // 40 customers and 300 order lines: max(40, 300 / 20) = 40 customers to summarise.
    for (const [customersPerPass, passes] of [[20, 2], [7, 6], [1, 40]] as const) {
      for (const table of ['customer_summary', 'customer_products', 'customer_categories']) await db.run(`DELETE FROM ${table}`);
      const ran: string[] = [];
      const run = db.run.bind(db);
      db.run = (statement: string) => {
        ran.push(statement);
        return run(statement);
      };
      try {
        // Without the rebuild by customer and order (summaries-by-customer.ts): the SQL files' statements.
        await db.transaction(() => refreshDerivedTables(db, 'purchases', 'all', customersPerPass, 'purchases', 0));
      } finally {
        db.run = run;
      }
      expect(ran.filter((s) => s.includes('INSERT INTO customer_summary') && s.includes(`hash(customer_id) % ${passes} =`))).toHaveLength(passes);
      // The product and category summaries by the product (category), in passes of lines.
      const linePasses = Math.ceil(lineCount / ((5_000_000 * customersPerPass) / 250_000));
      expect(linePasses).toBeGreaterThan(1);
      expect(ran.filter((s) => s.includes('INSERT INTO customer_products') && s.includes(`hash(product_code) % ${linePasses} =`))).toHaveLength(linePasses);
      // Categories (two here) go whole into passes of about as many lines: one pass each, never an empty one.
      const categoryPasses = ran.filter((s) => s.includes('INSERT INTO customer_categories'));
      expect(categoryPasses.map((s) => /COALESCE\(category, product_category\) IN \(([^)]*)\)/.exec(s)?.[1]).sort()).toEqual(["'雑貨'", "'食品'"]);
      expect(await summaryRows(db), `${customersPerPass} customers per pass`).toEqual(once);

      // The rebuild by customer and order, in the same passes over the customers.
      for (const table of ['customer_summary', 'customer_products', 'customer_categories']) await db.run(`DELETE FROM ${table}`);
      ran.length = 0;
      db.run = (statement: string) => {
        ran.push(statement);
        return run(statement);
      };
      try {
        await db.transaction(() => refreshDerivedTables(db, 'purchases', 'all', customersPerPass));
      } finally {
        db.run = run;
      }
      expect(ran.filter((s) => s.includes('kumiwake_customer_orders') && s.includes(`hash(customer_id) % ${passes} =`))).toHaveLength(passes);
      expect(ran.filter((s) => s.includes('INSERT INTO customer_categories'))).toHaveLength(2); // a statement per category
      expect(await summaryRows(db), `${customersPerPass} customers per pass, by customer`).toEqual(once);
    }
  });
});
