import { readFileSync } from 'node:fs';
import type { DuckDBEngine } from '../engine.js';

const sqlFile = (name: string) => readFileSync(new URL(`../../../../sql/${name}`, import.meta.url), 'utf8');

/** The customers whose purchase summaries an import changes (filled by the staged load). */
export const TOUCHED_TABLE = 'kumiwake_touched';

/**
 * Which customers' summaries to rebuild: everyone, or those listed in TOUCHED_TABLE (an upsert of
 * a few lines into a large table rebuilds only the customers it touched).
 */
export type SummaryScope = 'all' | 'touched';

/** The schema_info key saying the purchase summaries are built (the planner reads them only then). */
export const SUMMARIES_MARK = 'purchase_summaries';

/**
 * A line's status counts as a sale: one of the statuses of the shop's `sales-statuses` setting
 * (a JSON list in the settings table), or, without that setting, any status but cancelled. Read
 * from the table in SQL so an import needs no look-up; the planner's `countedLine` is the same rule.
 */
const SALES_STATUS = [
  `(CASE WHEN EXISTS (SELECT 1 FROM settings WHERE name = 'sales-statuses')`,
  `THEN status IN (SELECT unnest(from_json(value, '["VARCHAR"]')) FROM settings WHERE name = 'sales-statuses')`,
  `ELSE status IS DISTINCT FROM 'cancelled' END)`,
].join(' '); // one line: the files' comments mention the placeholder

/**
 * Rebuilds what is derived from purchases and products after either changes: the per-customer
 * lifetime purchase figures, per customer and product / category, and the master category copied
 * onto the order lines (new lines get it as they are inserted; a products import brings it up to
 * date on the lines already stored, which changes only the category summary, everyone's).
 */
export async function refreshDerivedTables(db: DuckDBEngine, changed: 'purchases' | 'products', scope: SummaryScope = 'all'): Promise<void> {
  const built = await summariesBuilt(db);
  if (changed === 'products') await db.run(sqlFile('product-categories.sql'));
  const files = changed === 'products' && built ? ['customer-categories.sql'] : ['purchase-summaries.sql', 'customer-categories.sql'];
  const everyone = changed === 'products' || scope === 'all';
  for (const file of files) {
    const statements = sqlFile(file)
      .replaceAll(':sales_status', SALES_STATUS)
      .replaceAll(':scope', everyone ? 'true' : `customer_id IN (SELECT customer_id FROM ${TOUCHED_TABLE})`)
      .replaceAll(':order_products', everyone ? 'ORDER BY product_code, customer_id' : '')
      .replaceAll(':order_categories', everyone ? 'ORDER BY category, customer_id' : '');
    for (const statement of splitStatements(statements)) await db.run(statement);
  }
  if (!built) await db.run(`INSERT OR REPLACE INTO schema_info VALUES ('${SUMMARIES_MARK}', '1')`);
  await forgetTouched(db);
}

/** Have the purchase summaries been built in this database (by an import of this version)? */
const summariesBuilt = (db: DuckDBEngine) => db.hasSchemaMark(SUMMARIES_MARK);

/**
 * After a purchases import: rebuild the summaries of the customers the staged loads touched, or of
 * everyone when the table was replaced or loaded directly (nothing was noted), when they were
 * never built, or when the import brought a large share of the lines (a rebuild is then cheaper).
 */
export async function summaryScope(db: DuckDBEngine, mode: string, rowsRead: number): Promise<SummaryScope> {
  const [state] = await db.all<{ touched: bigint; lines: bigint }>(
    `SELECT (SELECT count(*) FROM information_schema.tables WHERE table_name = '${TOUCHED_TABLE}') AS touched,
            (SELECT count(*) FROM purchases) AS lines`);
  const partial = mode !== 'replace' && state!.touched > 0n && (await summariesBuilt(db)) && rowsRead * 4 < Number(state!.lines);
  return partial ? 'touched' : 'all';
}

/** Drops the list of touched customers (it lives only inside an import's transaction). */
export async function forgetTouched(db: DuckDBEngine): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS ${TOUCHED_TABLE}`);
}

/** The statements of a SQL file, one by one (each is its own step for DuckDB's memory). */
function splitStatements(text: string): string[] {
  return text
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s !== '');
}
