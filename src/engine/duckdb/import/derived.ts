import { readFileSync } from 'node:fs';
import { KumiwakeError, OutOfMemoryError } from '../../../errors.js';
import type { Logger } from '../../../logger.js';
import { WRITING_MEMORY_LIMIT, type DuckDBEngine } from '../engine.js';
import { sqlString } from '../../../dialect/duckdb/sql-text.js';
import { applyOrderDeltas, forgetOrders, ordersNoted, RECOUNTED } from './order-deltas.js';
import { CATEGORIES_BY_CUSTOMER_AT_MOST, rebuildByCustomer, REBUILT_BY_CUSTOMER } from './summaries-by-customer.js';
import { copyMasterCategories } from './master-categories.js';
import { numberRows, summaryRowsNumbered, SUMMARY_ROWS_UNNUMBERED } from './customer-numbers.js';

const sqlFile = (name: string) => readFileSync(new URL(`../../../../sql/${name}`, import.meta.url), 'utf8');

/**
 * Which summary rows to bring up to date: everyone's (rebuilt from the lines), or those of the
 * orders a staged upsert brought (order-deltas.ts: the touched orders' difference is added).
 */
export type SummaryScope = 'all' | 'touched';

/** The schema_info key saying the purchase summaries are built (the planner reads them only then). */
export const SUMMARIES_MARK = 'purchase_summaries';

/**
 * The schema_info key saying customer_products.only_order_id is kept (written by every full
 * rebuild of the product summary since; a database made before it holds NULLs there until then).
 */
export const PRODUCT_ORDER_IDS_MARK = 'product_order_ids';

/**
 * A line's status counts as a sale: one of the statuses of the shop's `sales-statuses` setting
 * (a JSON list in the settings table), or, without that setting, any status but cancelled; the
 * planner's `countedLine` is the same rule. Read once and written into the statements as values:
 * the same rule read from the table in each statement (a CASE over an IN subquery, probed for
 * every line) made a summary pass a quarter slower.
 */
export async function salesStatusCondition(db: DuckDBEngine): Promise<string> {
  const [setting] = await db.all<{ value: string }>(`SELECT value FROM settings WHERE name = 'sales-statuses'`);
  if (!setting) return `status IS DISTINCT FROM 'cancelled'`;
  const statuses = JSON.parse(setting.value) as string[];
  return statuses.length === 0 ? 'false' : `status IN (${statuses.map(sqlString).join(', ')})`;
}

/**
 * Rebuilds what is derived from purchases and products after either changes: the per-customer
 * lifetime purchase figures, per customer and product / category, and the master category copied
 * onto the order lines (new lines get it as they are inserted; a products import brings it up to
 * date on the lines already stored, which changes only the category summary, everyone's).
 * A full rebuild after purchases, for a shop of at most `categoriesByCustomerAtMost` categories,
 * gives customer_summary and customer_categories from one aggregate (summaries-by-customer.ts).
 */
export async function refreshDerivedTables(
  db: DuckDBEngine, changed: 'purchases' | 'products', scope: SummaryScope = 'all', customersPerPass = CUSTOMERS_PER_SUMMARY_PASS,
  lines = 'purchases', categoriesByCustomerAtMost = CATEGORIES_BY_CUSTOMER_AT_MOST,
): Promise<void> {
  try {
    await refresh(db, changed, scope, customersPerPass, lines, categoriesByCustomerAtMost);
    // Summary rows written without a number: an upsert's new and recounted rows, a guest's from a
    // full rebuild (customer-numbers.ts).
    if (changed === 'purchases') await numberRows(db, 'customer_summary');
  } catch (error) {
    // The summaries hold a quantity sum in a BIGINT: lines of one customer whose quantities add up
    // past it (codes in the quantity column) are the file's fault, said so, not an internal error.
    if (/out of range for the destination type INT64|Overflow in (addition|multiplication) of INT64/i.test((error as Error).message)) {
      throw new KumiwakeError('sum-too-large',
        `the quantities of one customer's order lines add up to more than 9,223,372,036,854,775,807, more than a summary holds (is a code in the quantity column of the purchases?); nothing was changed`);
    }
    throw error;
  }
}

async function refresh(
  db: DuckDBEngine, changed: 'purchases' | 'products', scope: SummaryScope, customersPerPass: number, lines: string, categoriesByCustomerAtMost: number,
): Promise<void> {
  if (lines !== 'purchases' && (changed !== 'purchases' || scope !== 'all')) throw new Error('only a full rebuild of the purchase summaries reads a side table');
  const built = await summariesBuilt(db);
  const salesStatus = await salesStatusCondition(db);
  if (changed === 'products') await copyMasterCategories(db);
  const files = changed === 'products' && built ? ['customer-categories.sql'] : ['purchase-summaries.sql', 'customer-categories.sql'];
  if (changed === 'purchases' && scope === 'touched') {
    // What a difference cannot give is recounted from the lines by the files' own SQL.
    const statements = files.flatMap((file) => splitStatements(withPlaceholders(sqlFile(file), salesStatus, {
      lines: 'purchases', customer_scope: `customer_id IN (SELECT customer_id FROM ${RECOUNTED.customer_summary})`,
      product_scope: `(product_code, customer_id) IN (SELECT product_code, customer_id FROM ${RECOUNTED.customer_products})`,
      category_rows: `(category, customer_id) IN (SELECT category, customer_id FROM ${RECOUNTED.customer_categories})`,
      category_lines: `(COALESCE(category, product_category), customer_id) IN (SELECT category, customer_id FROM ${RECOUNTED.customer_categories})`,
      customer_pass: 'true', product_pass: 'true', category_pass: 'true', order_products: '', order_categories: '',
      ...SUMMARY_ROWS_UNNUMBERED,
    })));
    const recount = Object.fromEntries(summaryPairs(statements).map((pair) => [pair.table, pair.fresh]));
    await applyOrderDeltas(db, salesStatus, recount as Record<keyof typeof RECOUNTED, string>);
    return;
  }
  const passes = await summaryPasses(db, customersPerPass, lines);
  const byCustomer = changed === 'purchases' ? await fewCategories(db, lines, categoriesByCustomerAtMost) : undefined;
  if (byCustomer) {
    const customerPasses = await passConditions(db, 'customer_id', passes, lines);
    await rebuildByCustomer(db, { lines, salesStatus, categories: byCustomer, passes: customerPasses });
  }
  // The SQL files write only the summaries the rebuild by customer did not.
  const written = new Set<string>(byCustomer ? REBUILT_BY_CUSTOMER : []);
  for (const file of files) {
    const statements = withPlaceholders(sqlFile(file), salesStatus, {
      lines, customer_scope: 'true', product_scope: 'true', category_rows: 'true', category_lines: 'true',
      customer_pass: CUSTOMER_PASS,
      product_pass: '/*pass:product_code*/true',
      category_pass: `/*pass:${CATEGORY}*/true`,
      // What a condition on products (categories) prunes by; a customer order within them cost
      // 1.2 s more at 1x and prunes nothing more.
      order_products: 'ORDER BY product_code',
      order_categories: 'ORDER BY category',
      ...summaryRowsNumbered(CUSTOMER_PASS),
    });
    for (const statement of splitStatements(statements)) {
      const table = WRITTEN_TABLE.exec(statement)?.[1] ?? '';
      if (written.has(table)) continue;
      const marker = PASS_MARKER.exec(statement);
      const conditions = marker === null ? ['true'] : await passConditions(db, marker[1]!, passes, lines);
      const started = Date.now();
      const runPasses = async () => {
        for (const condition of conditions) await db.run(statement.replaceAll(PASS_MARKERS, condition));
      };
      const leaner = lines !== 'purchases' && SORTED_SUMMARIES.has(table) && db.memoryLimit === WRITING_MEMORY_LIMIT;
      await (leaner ? db.withMemoryLimit(SORTED_SUMMARY_MEMORY_LIMIT, runPasses) : runPasses());
      db.logger.debug({ file, statement: statement.slice(0, 60).replace(/\s+/g, ' '), passes: conditions.length, ms: Date.now() - started }, 'summary statement');
    }
  }
  if (!built) await db.run(`INSERT OR REPLACE INTO schema_info VALUES ('${SUMMARIES_MARK}', '1')`);
  if (files.includes('purchase-summaries.sql')) await db.run(`INSERT OR REPLACE INTO schema_info VALUES ('${PRODUCT_ORDER_IDS_MARK}', '1')`);
  await forgetOrders(db);
}

/** A summary file's text with its `:name` placeholders filled (the sales basis always). */
function withPlaceholders(text: string, salesStatus: string, values: Readonly<Record<string, string>>): string {
  let filled = text.replaceAll(':sales_status', `(${salesStatus})`);
  for (const [name, value] of Object.entries(values)) filled = filled.replaceAll(`:${name}`, value);
  return filled;
}

/** A summary's rebuild as its SQL file writes it: the table, and its fresh rows in scope. */
interface SummaryPair { readonly table: string; readonly fresh: string }

/** Reads the files' `DELETE FROM t WHERE scope; INSERT INTO t [(columns)] SELECT …` pairs. */
function summaryPairs(statements: readonly string[]): SummaryPair[] {
  const pairs: SummaryPair[] = [];
  for (let i = 0; i < statements.length; i += 2) {
    const deletion = /^DELETE FROM (\w+) WHERE ([\s\S]+)$/.exec(statements[i]!);
    const insertion = /^INSERT INTO (\w+)(?:\s*\([^)]*\))?\s*(SELECT[\s\S]+)$/.exec(statements[i + 1] ?? '');
    if (!deletion || !insertion || deletion[1] !== insertion[1] || !(deletion[1]! in RECOUNTED)) {
      throw new Error(`a summary file's statements ${i + 1} and ${i + 2} are not a DELETE and an INSERT of one summary table`);
    }
    pairs.push({ table: deletion[1]!, fresh: insertion[2]! });
  }
  return pairs;
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
 * The same over lines committed before the rebuild (a full load's side table, side-load.ts):
 * without the transaction's own new lines beside it, passes twice as large fit the default
 * 400 MB (at 1x 2 passes instead of 4 per summary: the summaries 22.6 -> 18.8 s within the import;
 * each pass reads every line, the product summary's three times), with the line passes scaled
 * alike. At 3x (6 passes each) the import peaked at 968 MB in date order, 933 MB shuffled.
 */
export const CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES = 2 * CUSTOMERS_PER_SUMMARY_PASS;

/**
 * How many times a full load's summaries are tried, in twice as many passes each time they run out
 * of memory. Passes are sized by customers and lines, but what a pass holds grows with the
 * customer x product pairs of its lines and the length of their ids: at 3x, a shop of 20,000
 * products (58M pairs in 60M lines, 22-character customer ids) ran out of 250 MB in the product
 * summary's 6 passes and fit in 9 (86 s against 79 s in 6 under 400 MB); the benchmark's shop
 * holds 25M pairs at 3x. The lines are committed before the summaries (side-load.ts), so only the
 * summaries' transaction runs again; the last attempt's failure is the user's to hear, naming the
 * setting to raise.
 */
export const SUMMARY_ATTEMPTS = 4;

/** Runs `attempt` (a full load's summaries transaction), again in smaller passes when it runs out of memory. */
export async function inSmallerPassesWhenShort<T>(
  attempt: (customersPerPass: number) => Promise<T>, logger: Logger, customersPerPass = CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES,
): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt(customersPerPass);
    } catch (error) {
      if (!(error instanceof OutOfMemoryError) || tried >= SUMMARY_ATTEMPTS) throw error;
      customersPerPass /= 2;
      logger.warn({ customersPerPass }, 'the purchase summaries ran out of memory: building them again in twice as many passes (the import takes longer)');
    }
  }
}

/**
 * Ids longer than DuckDB keeps inside a value (12 bytes) are held apart, in every per-customer
 * state and customer x product pair: a 1x shop of 36-character ids (UUIDs for customers and
 * orders) ran out of memory at 500,000 customers a pass (the per-customer passes, 400 MB) and at
 * 250,000 (the product summary, 250 MB), and went through at 125,000. So a full load whose
 * customer or order ids are longer than 24 characters on average (in its first lines) starts
 * there; shorter ids start at the usual size and are made smaller only if they run out.
 */
export async function customersPerPassFor(db: DuckDBEngine, lines: string): Promise<number> {
  const [ids] = await db.all<{ length: number | null }>(`SELECT greatest(avg(strlen(customer_id)), avg(strlen(order_id))) AS length
    FROM (SELECT customer_id, order_id FROM ${lines} LIMIT ${ID_LENGTH_SAMPLE})`);
  return (ids?.length ?? 0) > LONG_IDS ? CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES / 4 : CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES;
}
const ID_LENGTH_SAMPLE = 100_000;
const LONG_IDS = 24;

/**
 * Order lines one statement of a full customer x product (or category) rebuild reads: at 3x the
 * product summary ran out of the default 400 MB in one statement. Its passes split by a hash of
 * the product, or by lists of whole categories (passConditions), so each product's (category's)
 * rows stay together in product (category) order.
 */
export const LINES_PER_SUMMARY_PASS = 5_000_000;

/**
 * The summaries a full rebuild writes sorted (by product, by category), and the memory limit their
 * passes over committed lines run under when the import has the default one. The process holds
 * memory beyond DuckDB's limit in proportion to it, most of all in these sorts: the 3x product
 * summary alone (6 passes) peaked at 760-788 MiB under 400 MB, 600 under 300 MB and 507 under
 * 250 MB, in the same 37-41 s; at 1x 602-621 against 417-425 MiB, 8.1-8.3 s either way. The 3x
 * import in date order peaked at 789,312 KiB against 908,944 and 972,432 before; its replace (the
 * old summary rows deleted in the same transaction) at 706,908 KiB. A limit the user set is left as
 * it is. (customer_summary's passes cannot go lower: its states do not spill.)
 */
const SORTED_SUMMARIES = new Set(['customer_products', 'customer_categories']);
const SORTED_SUMMARY_MEMORY_LIMIT = '250MB';

/** The table a summary file's statement writes. */
const WRITTEN_TABLE = /^(?:DELETE FROM|INSERT INTO) (\w+)/;

/** Where a summary statement may be split into passes, and by which key (the SQL files' :…_pass). */
const PASS_MARKER = /\/\*pass:(.+?)\*\/true/;
/** Where a statement's passes split the customers (every occurrence takes the pass's condition). */
const CUSTOMER_PASS = '/*pass:customer_id*/true';
/** Every occurrence of the marker, each replaced by the pass's condition. */
const PASS_MARKERS = new RegExp(PASS_MARKER.source, 'g');

/**
 * How many passes a full rebuild takes: customer_summary by its customers (and guests, about one
 * in twenty lines at most) over `customersPerPass`; the product and category summaries by the
 * lines over LINES_PER_SUMMARY_PASS (scaled alike). Read from row counts, not a scan.
 */
async function summaryPasses(db: DuckDBEngine, customersPerPass: number, linesTable: string): Promise<{ customers: number; lines: number; linesPerPass: number }> {
  const [row] = await db.all<{ customers: bigint; lines: bigint }>(`SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM ${linesTable}) AS lines`);
  const lines = Number(row!.lines);
  const groups = Math.max(Number(row!.customers), lines / 20);
  const linesPerPass = (LINES_PER_SUMMARY_PASS * customersPerPass) / CUSTOMERS_PER_SUMMARY_PASS;
  return { customers: Math.max(1, Math.ceil(groups / customersPerPass)), lines: Math.max(1, Math.ceil(lines / linesPerPass)), linesPerPass };
}

/**
 * The condition of each pass of a statement split by `key`: a hash partition of the customers or
 * products; categories, which are few (8 in the benchmark's shop), by lists of whole categories
 * of about `linesPerPass` lines each, the largest first into the lightest pass: a hash of 8
 * categories into 12 passes left 6 passes empty (each still a scan of every line) and put three
 * categories in one.
 */
async function passConditions(
  db: DuckDBEngine, key: string, passes: { customers: number; lines: number; linesPerPass: number }, linesTable: string,
): Promise<string[]> {
  const count = key === 'customer_id' ? passes.customers : passes.lines;
  if (count === 1) return ['true'];
  const hashed = () => Array.from({ length: count }, (_, pass) => `hash(${key}) % ${count} = ${pass}`);
  if (key !== CATEGORY) return hashed();
  const categories = await db.all<{ category: string; lines: bigint }>(
    `SELECT ${CATEGORY} AS category, count(*) AS lines FROM ${linesTable} WHERE ${CATEGORY} IS NOT NULL GROUP BY ALL ORDER BY lines DESC, category`);
  if (categories.some((c) => c.category.includes('\u0000'))) return hashed(); // no SQL text can hold it
  const total = categories.reduce((n, c) => n + Number(c.lines), 0);
  const bins = Array.from({ length: Math.max(1, Math.min(categories.length, Math.ceil(total / passes.linesPerPass))) }, () => ({ lines: 0, names: [] as string[] }));
  for (const c of categories) {
    const lightest = bins.reduce((a, b) => (b.lines < a.lines ? b : a));
    lightest.lines += Number(c.lines);
    lightest.names.push(c.category);
  }
  return bins.filter((b) => b.names.length > 0).map((b) => `${CATEGORY} IN (${b.names.map(sqlString).join(', ')})`);
}

const CATEGORY = 'COALESCE(category, product_category)';

/**
 * The lines' categories, sorted, when they are few enough for customer_summary and
 * customer_categories to be rebuilt from one aggregate per customer and order
 * (summaries-by-customer.ts); otherwise undefined, and the SQL files rebuild them.
 */
async function fewCategories(db: DuckDBEngine, linesTable: string, atMost: number): Promise<string[] | undefined> {
  if (atMost <= 0) return undefined;
  const rows = await db.all<{ category: string }>(
    `SELECT DISTINCT ${CATEGORY} AS category FROM ${linesTable} WHERE ${CATEGORY} IS NOT NULL ORDER BY category LIMIT ${atMost + 1}`);
  const categories = rows.map((r) => r.category);
  const fit = categories.length > 0 && categories.length <= atMost && !categories.some((c) => c.includes('\u0000'));
  return fit ? categories : undefined;
}

/** Have the purchase summaries been built in this database (by an import of this version)? */
const summariesBuilt = (db: DuckDBEngine) => db.hasSchemaMark(SUMMARIES_MARK);

/**
 * After a purchases import: rebuild the summaries of the customers the staged loads touched, or of
 * everyone when the table was replaced or loaded directly (nothing was noted), when they were
 * never built, or when the import brought a large share of the lines (a rebuild is then cheaper).
 */
export async function summaryScope(db: DuckDBEngine, mode: string, rowsRead: number): Promise<SummaryScope> {
  const [state] = await db.all<{ lines: bigint }>('SELECT count(*) AS lines FROM purchases');
  const partial = mode !== 'replace' && (await ordersNoted(db)) && (await summariesBuilt(db)) && rowsRead * 4 < Number(state!.lines);
  return partial ? 'touched' : 'all';
}

/** The statements of a SQL file, one by one (each is its own step for DuckDB's memory). */
function splitStatements(text: string): string[] {
  return text
    .split(/;\s*\n/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s !== '');
}
