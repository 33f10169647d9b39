import { readFileSync } from 'node:fs';
import type { DuckDBEngine } from '../engine.js';
import { upsertByKey } from './upsert-by-key.js';

const sqlFile = (name: string) => readFileSync(new URL(`../../../../sql/${name}`, import.meta.url), 'utf8');

/**
 * What an import changes in the purchase summaries (filled by the staged load): per changed line,
 * old and new, its customer, product and (for a stored line) effective category.
 */
export const TOUCHED_TABLE = 'kumiwake_touched';

/** The customer x category pairs whose category summary rows a touched rebuild redoes. */
const TOUCHED_CATEGORIES = 'kumiwake_touched_categories';

/**
 * Which summary rows to rebuild: everyone's, or those TOUCHED_TABLE names (an upsert of a few
 * lines into a large table): the touched customers' `customer_summary` rows (an order may move
 * a customer's first or last order), and only the touched customer x product and customer x
 * category rows of the others: a customer's other products keep their figures, and rebuilding
 * them read a quarter of all lines for a 1% upsert.
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
export async function refreshDerivedTables(
  db: DuckDBEngine, changed: 'purchases' | 'products', scope: SummaryScope = 'all', customersPerPass = CUSTOMERS_PER_SUMMARY_PASS,
): Promise<void> {
  const built = await summariesBuilt(db);
  if (changed === 'products') await db.run(sqlFile('product-categories.sql'));
  const files = changed === 'products' && built ? ['customer-categories.sql'] : ['purchase-summaries.sql', 'customer-categories.sql'];
  const everyone = changed === 'products' || scope === 'all';
  if (!everyone) await noteTouchedCategories(db);
  const categoryPairs = `IN (SELECT customer_id, category FROM ${TOUCHED_CATEGORIES})`;
  for (const file of files) {
    const statements = sqlFile(file)
      .replaceAll(':sales_status', SALES_STATUS)
      .replaceAll(':customer_scope', everyone ? 'true' : `customer_id IN (SELECT customer_id FROM ${TOUCHED_TABLE})`)
      .replaceAll(':customer_pass', '/*pass:customer_id*/true')
      .replaceAll(':product_pass', '/*pass:product_code*/true')
      .replaceAll(':category_pass', '/*pass:COALESCE(category, product_category)*/true')
      .replaceAll(':product_scope', everyone ? 'true' : `(customer_id, product_code) IN (SELECT customer_id, product_code FROM ${TOUCHED_TABLE})`)
      .replaceAll(':category_rows', everyone ? 'true' : `(customer_id, category) ${categoryPairs}`)
      .replaceAll(':category_lines', everyone ? 'true' : `(customer_id, COALESCE(category, product_category)) ${categoryPairs}`)
      .replaceAll(':order_products', everyone ? 'ORDER BY product_code, customer_id' : '')
      .replaceAll(':order_categories', everyone ? 'ORDER BY category, customer_id' : '');
    if (!everyone) {
      for (const pair of summaryPairs(splitStatements(statements))) await updateInPlace(db, pair);
      continue;
    }
    const passes = await summaryPasses(db, customersPerPass);
    for (const statement of splitStatements(statements)) {
      const marker = PASS_MARKER.exec(statement);
      const count = marker === null ? 1 : marker[1] === 'customer_id' ? passes.customers : passes.lines;
      const started = Date.now();
      if (marker === null || count === 1) await db.run(statement.replace(PASS_MARKER, 'true'));
      else for (let pass = 0; pass < count; pass++) await db.run(statement.replace(PASS_MARKER, `hash(${marker[1]}) % ${count} = ${pass}`));
      db.logger.debug({ file, statement: statement.slice(0, 60).replace(/\s+/g, ' '), passes: marker === null ? 1 : count, ms: Date.now() - started }, 'summary statement');
    }
  }
  if (!built) await db.run(`INSERT OR REPLACE INTO schema_info VALUES ('${SUMMARIES_MARK}', '1')`);
  await forgetTouched(db);
}

/** The key of each summary table: a touched rebuild matches fresh rows to stored ones by it. */
const SUMMARY_KEYS: Readonly<Record<string, readonly string[]>> = {
  customer_summary: ['customer_id'],
  customer_products: ['product_code', 'customer_id'],
  customer_categories: ['category', 'customer_id'],
};

/** A summary's rebuild as its SQL file writes it: the stored rows in scope, and their fresh rows. */
interface SummaryPair { readonly table: string; readonly scope: string; readonly fresh: string }

/** Reads the files' `DELETE FROM t WHERE scope; INSERT INTO t [(columns)] SELECT …` pairs. */
function summaryPairs(statements: readonly string[]): SummaryPair[] {
  const pairs: SummaryPair[] = [];
  for (let i = 0; i < statements.length; i += 2) {
    const deletion = /^DELETE FROM (\w+) WHERE ([\s\S]+)$/.exec(statements[i]!);
    const insertion = /^INSERT INTO (\w+)(?:\s*\([^)]*\))?\s*(SELECT[\s\S]+)$/.exec(statements[i + 1] ?? '');
    if (!deletion || !insertion || deletion[1] !== insertion[1] || !(deletion[1]! in SUMMARY_KEYS)) {
      throw new Error(`a summary file's statements ${i + 1} and ${i + 2} are not a DELETE and an INSERT of one summary table`);
    }
    pairs.push({ table: deletion[1]!, scope: deletion[2]!, fresh: insertion[2]! });
  }
  return pairs;
}

const FRESH_TABLE = 'kumiwake_fresh_summary';

/**
 * A touched rebuild brings the stored summary rows in scope to their fresh values in place
 * (upsertByKey: update what changed, insert new keys) and deletes the keys gone, never every row
 * in scope: deleted rows pin memory until the commit (see upsertByKey), and an upsert that
 * changes only amounts leaves the product and category rows as they were.
 */
async function updateInPlace(db: DuckDBEngine, pair: SummaryPair): Promise<void> {
  const key = SUMMARY_KEYS[pair.table]!;
  await db.run(`CREATE OR REPLACE TABLE ${FRESH_TABLE} AS ${pair.fresh}`);
  const columns = (await db.all<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns WHERE table_name = '${FRESH_TABLE}' ORDER BY ordinal_position`)).map((r) => r.name);
  const keyList = key.join(', ');
  await db.run(`DELETE FROM ${pair.table} WHERE ${pair.scope} AND (${keyList}) NOT IN (SELECT ${keyList} FROM ${FRESH_TABLE})`);
  await upsertByKey(db, { table: pair.table, key, columns, source: FRESH_TABLE });
  await db.run(`DROP TABLE ${FRESH_TABLE}`);
}

/**
 * The customer x category pairs a touched rebuild redoes: the effective categories of the stored
 * lines the import replaced (noted before the merge), and those, after the merge, of every line
 * of a touched customer x product pair, which include the new lines (a line without its own
 * category takes the master's, or keeps the stored one when the file lacks the column).
 */
async function noteTouchedCategories(db: DuckDBEngine): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE ${TOUCHED_CATEGORIES} AS
    SELECT customer_id, category FROM ${TOUCHED_TABLE} WHERE category IS NOT NULL
    UNION
    SELECT customer_id, COALESCE(category, product_category) AS category FROM purchases
    WHERE COALESCE(category, product_category) IS NOT NULL
      AND (customer_id, product_code) IN (SELECT customer_id, product_code FROM ${TOUCHED_TABLE})`);
}

/**
 * Customers whose lifetime figures one statement of a full rebuild aggregates. customer_summary's
 * first / last order (`arg_min` / `arg_max` of text) keeps per-customer states DuckDB cannot
 * spill, beside the lines the import's transaction holds (about 85 MB at 1x, more at 3x): at 3x
 * (3,000,000 customers, 60M lines) passes of 1,000,000 ran out of the default 400 MB, and at 1x
 * under a 250 MB limit one pass did, four passes of 250,000 did not. So a shop is summarised in
 * passes over a hash of `customer_id`, each its own statement.
 */
export const CUSTOMERS_PER_SUMMARY_PASS = 250_000;

/**
 * Order lines one statement of a full customer x product (or category) rebuild reads: at 3x the
 * product summary ran out of the default 400 MB in one statement. Its passes split by a hash of
 * the product (the category), so each product's rows stay together in product order.
 */
export const LINES_PER_SUMMARY_PASS = 5_000_000;

/** Where a summary statement may be split into passes, and by which key (the SQL files' :…_pass). */
const PASS_MARKER = /\/\*pass:(.+?)\*\/true/;

/**
 * How many passes a full rebuild takes: customer_summary by its customers (and guests, about one
 * in twenty lines at most) over `customersPerPass`; the product and category summaries by the
 * lines over LINES_PER_SUMMARY_PASS (scaled alike). Read from row counts, not a scan.
 */
async function summaryPasses(db: DuckDBEngine, customersPerPass: number): Promise<{ customers: number; lines: number }> {
  const [row] = await db.all<{ customers: bigint; lines: bigint }>('SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM purchases) AS lines');
  const lines = Number(row!.lines);
  const groups = Math.max(Number(row!.customers), lines / 20);
  const linesPerPass = (LINES_PER_SUMMARY_PASS * customersPerPass) / CUSTOMERS_PER_SUMMARY_PASS;
  return { customers: Math.max(1, Math.ceil(groups / customersPerPass)), lines: Math.max(1, Math.ceil(lines / linesPerPass)) };
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

/** Drops the lists of what was touched (they live only inside an import's transaction). */
export async function forgetTouched(db: DuckDBEngine): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS ${TOUCHED_TABLE}`);
  await db.run(`DROP TABLE IF EXISTS ${TOUCHED_CATEGORIES}`);
}

/** The statements of a SQL file, one by one (each is its own step for DuckDB's memory). */
function splitStatements(text: string): string[] {
  return text
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s !== '');
}
