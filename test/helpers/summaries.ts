import type { DuckDBEngine } from '../../src/engine/duckdb/engine.js';

/** Every purchase summary row, as sorted text: equal summaries give equal text. */
export async function summaryText(db: DuckDBEngine): Promise<string> {
  const dump = async (sql: string) => (await db.all(sql)).map((r) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? String(v) : v))).join('\n');
  return [
    await dump('SELECT * FROM customer_summary ORDER BY customer_id'),
    await dump('SELECT * FROM customer_products ORDER BY product_code, customer_id'),
    await dump('SELECT * FROM customer_categories ORDER BY category, customer_id'),
  ].join('\n--\n');
}
