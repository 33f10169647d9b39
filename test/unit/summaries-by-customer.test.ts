import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, products, purchases } from '../../src/catalog/tables.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { refreshDerivedTables } from '../../src/engine/duckdb/import/derived.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { tempDir } from '../helpers/cli.js';
import { summaryText } from '../helpers/summaries.js';

// customer_summary and customer_categories rebuilt from one aggregate per customer and order
// (summaries-by-customer.ts) must hold exactly what the SQL files write: the lines below mix a
// line's own category over its product's, lines of no category, an order holding a category on
// several lines or several categories, cancelled and uncounted lines, missing and negative
// quantities, orders at the same time, and guests (not in customers).

const HEADER = 'order_id,line_no,customer_id,ordered_at,shipped_at,product_code,category,quantity,amount,status,counted';

/** A small deterministic generator: the same lines on every run. */
function lcg(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
}

function shopLines(categories: readonly string[], orders: number, seed: number): string[] {
  const next = lcg(seed);
  const lines = [HEADER];
  for (let order = 0; order < orders; order++) {
    const customer = next(9) === 0 ? `G${next(4)}` : `C${next(30)}`;
    const day = 1 + next(20);
    const time = `2025-04-${String(day).padStart(2, '0')} ${next(2) === 0 ? '10:00' : '11:30'}`;
    const status = next(10) === 0 ? 'cancelled' : '完了';
    for (let no = 1; no <= 1 + next(4); no++) {
      const product = `P${1 + next(6)}`;
      const own = next(5) === 0 ? categories[next(categories.length)]! : '';
      const quantity = [1, 2, '', -1][next(4)];
      const counted = next(12) === 0 ? 'false' : '';
      lines.push(`O${order},${no},${customer},${time},${next(3) === 0 ? '' : time},${product},${own},${quantity},${100 * (1 + next(50))},${status},${counted}`);
    }
  }
  return lines;
}

async function shop(categories: readonly string[], seed: number): Promise<DuckDBEngine> {
  const dir = tempDir();
  const db = await DuckDBEngine.open(join(dir, 'shop.duckdb'));
  writeFileSync(join(dir, 'customers.csv'), `customer_id,name\n${Array.from({ length: 30 }, (_, i) => `C${i},n${i}`).join('\n')}\n`);
  // P5 and P6 have no category: their lines have one only when they carry their own.
  writeFileSync(join(dir, 'products.csv'), `product_code,category\n${[1, 2, 3, 4].map((p) => `P${p},${categories[p % categories.length]}`).join('\n')}\nP5,\nP6,\n`);
  writeFileSync(join(dir, 'purchases.csv'), `${shopLines(categories, 400, seed).join('\n')}\n`);
  await importFiles(db, { table: customers, files: [join(dir, 'customers.csv')] });
  await importFiles(db, { table: products, files: [join(dir, 'products.csv')] });
  await importFiles(db, { table: purchases, files: [join(dir, 'purchases.csv')] });
  return db;
}

/** The statements a rebuild runs, and the summaries it leaves. */
async function rebuild(db: DuckDBEngine, customersPerPass: number, byCustomerAtMost?: number): Promise<{ ran: string[]; summaries: string }> {
  const ran: string[] = [];
  const run = db.run.bind(db);
  db.run = (statement: string, ...rest: unknown[]) => {
    ran.push(statement);
    return (run as (...a: unknown[]) => Promise<void>)(statement, ...rest);
  };
  try {
    await db.transaction(() => refreshDerivedTables(db, 'purchases', 'all', customersPerPass, 'purchases', byCustomerAtMost));
  } finally {
    db.run = run;
  }
  return { ran, summaries: await summaryText(db) };
}

const byCustomer = (ran: readonly string[]) => ran.some((s) => s.includes('kumiwake_customer_orders'));

describe('customer and category summaries from one aggregate per customer and order', () => {
  const opened: DuckDBEngine[] = [];
  afterAll(() => Promise.all(opened.map((db) => db.close())));

  for (const seed of [1, 7, 42]) {
    it(`writes what the SQL files write (seed ${seed}), in one pass or several`, async () => {
      const db = await shop(['食品', '雑貨', 'サプリ', 'ギフト'], seed);
      opened.push(db);
      const files = await rebuild(db, 250_000, 0);
      expect(byCustomer(files.ran)).toBe(false);
      expect(files.summaries).toMatch(/"category":"ギフト"/); // a line's own category only
      for (const customersPerPass of [250_000, 7]) {
        const mine = await rebuild(db, customersPerPass);
        expect(byCustomer(mine.ran)).toBe(true);
        expect(mine.summaries, `${customersPerPass} customers per pass`).toBe(files.summaries);
        // Stored in category order, so that a condition on a category reads its blocks only.
        const [backwards] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM (
          SELECT category < lag(category) OVER (ORDER BY rowid) AS back FROM customer_categories) WHERE back`);
        expect(Number(backwards!.n)).toBe(0);
      }
      // Nothing of the rebuild is left in the database.
      expect(await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'kumiwake_customer_orders'`)).toEqual([]);
    });
  }

  it('leaves a shop of more categories to the SQL files', async () => {
    const many = Array.from({ length: 17 }, (_, i) => `カテゴリ${String(i).padStart(2, '0')}`);
    const db = await shop(many, 3);
    opened.push(db);
    const [distinct] = await db.all<{ n: bigint }>('SELECT count(DISTINCT COALESCE(category, product_category)) AS n FROM purchases');
    expect(Number(distinct!.n)).toBe(17);
    const files = await rebuild(db, 250_000, 0);
    const chosen = await rebuild(db, 250_000);
    expect(byCustomer(chosen.ran)).toBe(false);
    expect(chosen.summaries).toBe(files.summaries);
    // With room for them, the same shop is rebuilt by customer, to the same rows.
    const roomy = await rebuild(db, 250_000, 17);
    expect(byCustomer(roomy.ran)).toBe(true);
    expect(roomy.summaries).toBe(files.summaries);
  });
});
