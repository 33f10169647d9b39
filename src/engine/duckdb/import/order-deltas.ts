import type { DuckDBEngine } from '../engine.js';
import { STAGE_TABLE } from './stage.js';
import { STORED_ROWID, upsertByKey } from './upsert-by-key.js';

/**
 * An upsert's summary upkeep by orders. Every summary figure is a sum over orders (a customer's
 * order count and sales; per customer x product and customer x category, the orders holding it
 * and their quantity), and each order contributes on its own: the file's orders' lines are read
 * before the merge (their old contribution) and after it (their new one), and the difference is
 * added to the stored rows. Only first / last order and the latest line time are no sums: a
 * customer whose stored extreme order changed or went is summarised again from their lines.
 * Reading the touched orders' lines only, not every line of the touched customers (1% of the
 * orders touched 53,014 customers holding half the lines at the benchmark's scale), is the point.
 */

/** The orders the import's files bring (a line's key, order_id and line_no, holds its order). */
export const TOUCHED_ORDERS = 'kumiwake_touched_orders';
/** The orders of the file being loaded. */
const FILE_ORDERS = 'kumiwake_file_orders';
/** Every stored line of the file's orders, as it was before its merge (all columns). */
export const ORDER_LINES_BEFORE = 'kumiwake_order_lines_before';
/** The touched orders' lines after the merges (the columns the summaries read). */
const ORDER_LINES_AFTER = 'kumiwake_order_lines_after';
const OLD_LINES = 'kumiwake_old_order_lines';
const NEW_LINES = 'kumiwake_new_order_lines';
const OLD_ORDERS = 'kumiwake_old_orders';
const NEW_ORDERS = 'kumiwake_new_orders';

/** The summary rows whose figures are computed from their lines, not by difference (per table). */
export const RECOUNTED = {
  customer_summary: 'kumiwake_recounted_customers',
  customer_products: 'kumiwake_recounted_products',
  customer_categories: 'kumiwake_recounted_categories',
} as const;
type SummaryTable = keyof typeof RECOUNTED;

/** The tables this file makes inside the import's transaction (dropped when done or rolled back). */
const SCRATCH = [TOUCHED_ORDERS, FILE_ORDERS, ORDER_LINES_BEFORE, ORDER_LINES_AFTER, OLD_LINES, NEW_LINES, OLD_ORDERS, NEW_ORDERS, ...Object.values(RECOUNTED)];

/** The columns of a line the summaries read; a new line lacking one has NULL, which reads as its default. */
const SUMMARY_COLUMNS = ['customer_id', 'order_id', 'product_code', 'category', 'product_category', 'quantity', 'amount', 'ordered_at', 'shipped_at', 'counted', 'status'];

/** Lines of `lines` that count toward the summaries, with the figures they add. */
const countedLines = (lines: string, salesStatus: string) => `SELECT customer_id, order_id, product_code, COALESCE(category, product_category) AS category,
    COALESCE(quantity, 1) AS quantity, amount, ordered_at, shipped_at
  FROM ${lines} WHERE counted IS NOT false AND (${salesStatus})`;

/**
 * Before the merge of one file: which orders its good rows bring, and every stored line of them
 * (the lines its keys can match are among them: a key holds its order id). The old figures of
 * an order are kept from the first file of the import that touches it.
 */
export async function noteOrdersBefore(db: DuckDBEngine, salesStatus: string): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE ${FILE_ORDERS} AS SELECT DISTINCT order_id FROM ${STAGE_TABLE} WHERE _bad IS NULL AND NOT _skip AND order_id IS NOT NULL`);
  await db.run(`CREATE OR REPLACE TABLE ${ORDER_LINES_BEFORE} AS SELECT rowid AS ${STORED_ROWID}, * FROM purchases WHERE order_id IN (SELECT order_id FROM ${FILE_ORDERS})`);
  if (!(await ordersNoted(db))) {
    await db.run(`CREATE TABLE ${TOUCHED_ORDERS} (order_id VARCHAR NOT NULL)`);
    await db.run(`CREATE TABLE ${OLD_LINES} AS ${countedLines(ORDER_LINES_BEFORE, salesStatus)} LIMIT 0`);
  }
  await db.run(`INSERT INTO ${OLD_LINES} ${countedLines(ORDER_LINES_BEFORE, salesStatus)} AND order_id NOT IN (SELECT order_id FROM ${TOUCHED_ORDERS})`);
  await db.run(`INSERT INTO ${TOUCHED_ORDERS} SELECT order_id FROM ${FILE_ORDERS} WHERE order_id NOT IN (SELECT order_id FROM ${TOUCHED_ORDERS})`);
}

/**
 * After the merge of one file: its orders' lines as they now are, replacing what an earlier file
 * of the import left of them. From the file's rows (`fileRows`, one per key, holding `columns`)
 * over the lines before, without reading the stored lines again: a line the file holds takes the
 * file's columns and keeps its stored others; the rest are as they were. Without the file's rows
 * (an append), read from the stored lines.
 */
export async function noteOrdersAfter(db: DuckDBEngine, fileRows?: { table: string; columns: readonly string[] }): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS ${ORDER_LINES_AFTER} AS SELECT ${SUMMARY_COLUMNS.join(', ')} FROM purchases LIMIT 0`);
  await db.run(`DELETE FROM ${ORDER_LINES_AFTER} WHERE order_id IN (SELECT order_id FROM ${FILE_ORDERS})`);
  if (!fileRows) {
    await db.run(`INSERT INTO ${ORDER_LINES_AFTER} SELECT ${SUMMARY_COLUMNS.join(', ')} FROM purchases WHERE order_id IN (SELECT order_id FROM ${FILE_ORDERS})`);
    return;
  }
  const column = (c: string) => (fileRows.columns.includes(c) ? `f.${c}` : `b.${c}`);
  await db.run(`INSERT INTO ${ORDER_LINES_AFTER}
    SELECT ${SUMMARY_COLUMNS.join(', ')} FROM ${ORDER_LINES_BEFORE} WHERE (order_id, line_no) NOT IN (SELECT order_id, line_no FROM ${fileRows.table})
    UNION ALL
    SELECT ${SUMMARY_COLUMNS.map((c) => `${column(c)} AS ${c}`).join(', ')}
    FROM ${fileRows.table} AS f LEFT JOIN ${ORDER_LINES_BEFORE} AS b ON b.order_id = f.order_id AND b.line_no = f.line_no`);
}

/** Whether the file's orders were noted (a staged upsert into stored lines). */
export async function ordersNoted(db: DuckDBEngine): Promise<boolean> {
  const [row] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = '${TOUCHED_ORDERS}'`);
  return row!.n > 0n;
}

/**
 * After the merge: brings the three summaries up to date by the touched orders' difference.
 * `recount[table]` is that summary's fresh rows for the keys in RECOUNTED[table], computed from
 * the lines (the import's own summary SQL, scoped to that table).
 */
export async function applyOrderDeltas(db: DuckDBEngine, salesStatus: string, recount: Readonly<Record<SummaryTable, string>>): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE ${NEW_LINES} AS ${countedLines(ORDER_LINES_AFTER, salesStatus)}`);
  for (const [orders, lines] of [[OLD_ORDERS, OLD_LINES], [NEW_ORDERS, NEW_LINES]] as const) {
    await db.run(`CREATE OR REPLACE TABLE ${orders} AS
      SELECT customer_id, order_id, min(ordered_at) AS ts, max(ordered_at) AS ts_last, max(shipped_at) AS shipped, sum(amount) AS sales
      FROM ${lines} GROUP BY customer_id, order_id`);
  }
  await updateCustomerSummary(db, recount.customer_summary);
  await updatePairSummary(db, 'customer_products', 'product_code', recount.customer_products);
  await updatePairSummary(db, 'customer_categories', 'category', recount.customer_categories);
  for (const table of SCRATCH) await db.run(`DROP TABLE IF EXISTS ${table}`);
}

/** Drops what noteOrdersBefore made (an import that ends without summary upkeep). */
export async function forgetOrders(db: DuckDBEngine): Promise<void> {
  for (const table of SCRATCH) await db.run(`DROP TABLE IF EXISTS ${table}`);
}

const FRESH = 'kumiwake_fresh_summary';

/**
 * Order count and sales move by the difference; first and last order and the latest line time
 * are the stored ones or a touched order's, whichever is earlier (later), unless a stored extreme
 * order was itself touched and changed or went: that customer is recounted from their lines.
 */
async function updateCustomerSummary(db: DuckDBEngine, recount: string): Promise<void> {
  const recounted = RECOUNTED.customer_summary;
  await db.run(`CREATE OR REPLACE TABLE ${recounted} AS
    SELECT DISTINCT o.customer_id FROM ${OLD_ORDERS} AS o
    LEFT JOIN customer_summary AS s ON s.customer_id = o.customer_id
    LEFT JOIN ${NEW_ORDERS} AS n ON n.customer_id = o.customer_id AND n.order_id = o.order_id
    WHERE s.customer_id IS NULL -- counted orders without a summary row: recounted rather than trusted
       OR ((o.order_id IN (s.first_order_id, s.last_order_id) OR s.last_line_at IS NULL OR o.ts_last >= s.last_line_at)
           AND (n.order_id IS NULL OR n.ts <> o.ts OR n.ts_last <> o.ts_last OR n.shipped IS DISTINCT FROM o.shipped))`);
  // A touched order is the customer's first (last) when it comes before (after) the stored one:
  // orders compare by time, then id, as in the full rebuild (sql/purchase-summaries.sql).
  const earlier = `t.customer_id IS NOT NULL AND (s.customer_id IS NULL OR t.f < {'t': s.first_ordered_at, 'o': s.first_order_id})`;
  const later = `t.customer_id IS NOT NULL AND (s.customer_id IS NULL OR {'t': t.l.t, 'o': t.l.o} > {'t': s.last_ordered_at, 'o': s.last_order_id})`;
  await db.run(`CREATE OR REPLACE TABLE ${FRESH} AS
    WITH moved AS (
      SELECT customer_id, sum(orders) AS orders, sum(sales) AS sales FROM (
        SELECT customer_id, 1 AS orders, sales FROM ${NEW_ORDERS}
        UNION ALL SELECT customer_id, -1, -sales FROM ${OLD_ORDERS}
      ) GROUP BY customer_id),
    touched AS (
      SELECT customer_id, min({'t': ts, 'o': order_id}) AS f, max({'t': ts, 'o': order_id, 's': shipped}) AS l, max(ts_last) AS last_line_at
      FROM ${NEW_ORDERS} GROUP BY customer_id)
    SELECT m.customer_id,
           COALESCE(s.order_count, 0) + m.orders AS order_count,
           COALESCE(s.sales, 0) + COALESCE(m.sales, 0) AS sales,
           CASE WHEN ${earlier} THEN t.f.t ELSE s.first_ordered_at END AS first_ordered_at,
           CASE WHEN ${later} THEN t.l.t ELSE s.last_ordered_at END AS last_ordered_at,
           CASE WHEN ${later} THEN t.l.s ELSE s.last_shipped_at END AS last_shipped_at,
           CASE WHEN ${earlier} THEN t.f.o ELSE s.first_order_id END AS first_order_id,
           CASE WHEN ${later} THEN t.l.o ELSE s.last_order_id END AS last_order_id,
           greatest(s.last_line_at, t.last_line_at) AS last_line_at
    FROM moved AS m
    LEFT JOIN customer_summary AS s ON s.customer_id = m.customer_id
    LEFT JOIN touched AS t ON t.customer_id = m.customer_id
    WHERE m.customer_id NOT IN (SELECT customer_id FROM ${recounted})
      AND COALESCE(s.order_count, 0) + m.orders > 0
    UNION ALL ${recount}`);
  await replaceInScope(db, 'customer_summary', ['customer_id'],
    `customer_id IN (SELECT customer_id FROM ${OLD_ORDERS} UNION SELECT customer_id FROM ${recounted})`);
}

/**
 * Customer x product (x category): the orders holding the pair and their quantity move by the
 * difference. A pair whose stored row disagrees with its touched orders (fewer orders than went)
 * is recounted from its lines rather than written wrong. A product pair left with one order also
 * gets that order's id (only_order_id): a touched order's when every order of the pair was
 * touched, the stored one when the pair had that one order and kept it; otherwise (the one left
 * is an untouched order among several the pair had) it is recounted. A product pair whose count
 * and quantity stay is written too when its one order moved to another.
 */
async function updatePairSummary(db: DuckDBEngine, table: 'customer_products' | 'customer_categories', item: string, recount: string): Promise<void> {
  const recounted = RECOUNTED[table];
  const products = table === 'customer_products';
  const perOrder = (lines: string, sign: string) =>
    `SELECT ${item}, customer_id, order_id, ${sign}1 AS orders, ${sign}sum(quantity) AS quantity FROM ${lines} WHERE ${item} IS NOT NULL GROUP BY ${item}, customer_id, order_id`;
  const ordersAfter = 'COALESCE(s.order_count, 0) + d.orders';
  const onlyOrder = `CASE WHEN ${ordersAfter} <> 1 THEN NULL
      WHEN COALESCE(s.order_count, 0) = d.old_orders THEN d.new_order
      WHEN s.order_count = 1 THEN s.only_order_id END`;
  await db.run(`CREATE OR REPLACE TABLE ${FRESH} AS
    SELECT d.${item}, d.customer_id, ${ordersAfter} AS order_count, (COALESCE(s.quantity, 0) + d.quantity)::BIGINT AS quantity${products ? `, ${onlyOrder} AS only_order_id` : ''}
    FROM (
      SELECT ${item}, customer_id, sum(orders) AS orders, sum(quantity) AS quantity,
             count(*) FILTER (WHERE orders < 0) AS old_orders, any_value(order_id) FILTER (WHERE orders > 0) AS new_order
      FROM (${perOrder(NEW_LINES, '')} UNION ALL ${perOrder(OLD_LINES, '-')})
      GROUP BY ${item}, customer_id
    ) AS d LEFT JOIN ${table} AS s ON s.${item} = d.${item} AND s.customer_id = d.customer_id
    WHERE d.orders <> 0 OR d.quantity <> 0${products ? ` OR (${ordersAfter} = 1 AND (${onlyOrder}) IS DISTINCT FROM s.only_order_id)` : ''}`);
  await db.run(`CREATE OR REPLACE TABLE ${recounted} AS
    SELECT ${item}, customer_id FROM ${FRESH}
    WHERE order_count < 0 OR (order_count = 0 AND quantity <> 0)${products ? ' OR (order_count = 1 AND only_order_id IS NULL)' : ''}`);
  await db.run(`DELETE FROM ${FRESH} WHERE (${item}, customer_id) IN (SELECT ${item}, customer_id FROM ${recounted})`);
  await db.run(`INSERT INTO ${FRESH} ${recount}`);
  await replaceInScope(db, table, [item, 'customer_id'],
    `(${item}, customer_id) IN (SELECT ${item}, customer_id FROM ${FRESH} UNION SELECT ${item}, customer_id FROM ${recounted})`, 'order_count > 0');
}

/**
 * The stored rows in scope take FRESH's values (upsertByKey: only the columns that differ), new
 * keys go in, and keys in scope that FRESH lacks (or whose fresh row is not `kept`) are deleted.
 */
async function replaceInScope(db: DuckDBEngine, table: SummaryTable, key: readonly string[], scope: string, kept = 'true'): Promise<void> {
  const keyList = key.join(', ');
  await db.run(`DELETE FROM ${table} WHERE ${scope} AND (${keyList}) NOT IN (SELECT ${keyList} FROM ${FRESH} WHERE ${kept})`);
  await db.run(`DELETE FROM ${FRESH} WHERE NOT (${kept})`);
  const columns = (await db.all<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns WHERE table_name = '${FRESH}' ORDER BY ordinal_position`)).map((r) => r.name);
  await upsertByKey(db, { table, key, columns, source: FRESH });
  await db.run(`DROP TABLE ${FRESH}`);
}
