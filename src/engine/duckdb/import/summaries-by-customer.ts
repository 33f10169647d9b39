import type { DuckDBEngine } from '../engine.js';
import { sqlString } from '../../../dialect/duckdb/sql-text.js';

/**
 * A full rebuild of customer_summary and customer_categories from one aggregate of the lines per
 * customer and order, for a shop of few categories. Both summaries count orders: the order figures
 * of customer_summary, and per category the orders holding it. Here each order keeps a bit per
 * category it holds (its position in the shop's sorted categories), so one aggregate of the
 * lines by (customer, order) gives both, where sql/customer-categories.sql aggregates the lines a
 * second time by (category, customer, order): in the import at 1x (19M lines, 8 categories) the
 * two summaries took 7.0 s this way against 10.7 s. A category's quantity is a sum over lines, not
 * orders: one aggregate of the lines per customer beside it. Each category is a column of the
 * per-customer table (two per category), hence a limit; larger shops keep the SQL files. The same
 * figures as the SQL files, compared row by row in test/unit/summaries-by-customer.test.ts.
 */
export const CATEGORIES_BY_CUSTOMER_AT_MOST = 16;

/** The summaries rebuildByCustomer writes (the SQL files write the others). */
export const REBUILT_BY_CUSTOMER = ['customer_summary', 'customer_categories'] as const;

/** An order's categories are the bits of a UINTEGER. */
const CATEGORY_BITS = 32;

/**
 * Where each customer's figures wait between the passes and the two summaries: a temporary table
 * (DuckDB spills it beside the database when short of memory). Read once per category, it took
 * 0.13 s a category at 1x, against 0.35 s as a table of the database written in the same transaction.
 */
const CUSTOMER_ORDERS = 'kumiwake_customer_orders';

/** A line's category: its own, else its product's (as sql/customer-categories.sql). */
const CATEGORY = 'COALESCE(category, product_category)';

export interface ByCustomerRebuild {
  /** the order lines' table: purchases, or a full load's side table */
  readonly lines: string;
  /** the shop's sales basis, as derived.ts writes it into the SQL files */
  readonly salesStatus: string;
  /** every category of the lines, sorted, at most CATEGORY_BITS, none holding U+0000 */
  readonly categories: readonly string[];
  /** one condition on customer_id per pass (derived.ts: a hash partition, or `true`) */
  readonly passes: readonly string[];
}

/** Rebuilds everyone's customer_summary and customer_categories (see the module's comment). */
export async function rebuildByCustomer(db: DuckDBEngine, rebuild: ByCustomerRebuild): Promise<void> {
  const { lines, salesStatus, categories, passes } = rebuild;
  if (categories.length === 0 || categories.length > CATEGORY_BITS) {
    throw new Error(`rebuildByCustomer takes 1 to ${CATEGORY_BITS} categories, not ${categories.length}`);
  }
  const list = `[${categories.map(sqlString).join(', ')}]`;
  // 0 for the first category, NULL for a line without one (its order gets no bit from it).
  const position = `(list_position(${list}, ${CATEGORY}) - 1)`;
  // A column per category: one element of a list column per customer took 4.2 s a category to read.
  const each = (expression: (j: number) => string, name: string) => categories.map((_, j) => `${expression(j)} AS ${name}_${j}`).join(',\n             ');
  const counted = `counted IS NOT false AND (${salesStatus})`;
  // An order is first / last by its time, then its id, as in sql/purchase-summaries.sql.
  const perCustomer = (pass: string) => `
    SELECT o.*, q.* EXCLUDE (customer_id)
    FROM (
      SELECT customer_id,
             count(*) AS order_count,
             COALESCE(sum(sales), 0) AS sales,
             min({'t': ts, 'o': order_id}) AS f,
             max({'t': ts, 'o': order_id, 's': shipped}) AS l,
             max(ts_last) AS last_line_at,
             ${each((j) => `count_if(categories & ${2 ** j}::UINTEGER <> 0)`, 'orders')}
      FROM (
        SELECT customer_id, order_id, min(ordered_at) AS ts, max(ordered_at) AS ts_last, max(shipped_at) AS shipped, sum(amount) AS sales,
               bit_or(1::UINTEGER << ${position}::UINTEGER) AS categories
        FROM ${lines}
        WHERE ${counted} AND ${pass}
        GROUP BY customer_id, order_id
      )
      GROUP BY customer_id
    ) AS o
    LEFT JOIN (
      SELECT customer_id, ${each((j) => `sum(quantity) FILTER (WHERE position = ${j})::BIGINT`, 'quantity')}
      FROM (
        SELECT customer_id, COALESCE(quantity, 1) AS quantity, ${position} AS position
        FROM ${lines}
        WHERE ${counted} AND ${CATEGORY} IS NOT NULL AND ${pass}
      )
      GROUP BY customer_id
    ) AS q ON q.customer_id = o.customer_id`;
  const timed = async (what: string, statement: string) => {
    const started = Date.now();
    await db.run(statement);
    db.logger.debug({ statement: what, ms: Date.now() - started }, 'summary statement');
  };
  try {
    for (const [i, pass] of passes.entries()) {
      await timed(`customer orders, pass ${i + 1} of ${passes.length}`, i === 0 ? `CREATE OR REPLACE TEMP TABLE ${CUSTOMER_ORDERS} AS ${perCustomer(pass)}` : `INSERT INTO ${CUSTOMER_ORDERS} ${perCustomer(pass)}`);
    }
    await db.run('DELETE FROM customer_summary');
    // Each customer's number joined as the rows go in (customer-numbers.ts: 0.2 s at 1x, where
    // numbering the written rows afterwards took 1.2 s); a customer new to the numbers (a guest)
    // is numbered by derived.ts after the rebuild.
    await timed('customer_summary', `INSERT INTO customer_summary (customer_id, order_count, sales, first_ordered_at, last_ordered_at, last_shipped_at,
                                                first_order_id, last_order_id, last_line_at, customer_no)
                  SELECT o.customer_id, order_count, sales, f.t, l.t, l.s, f.o, l.o, last_line_at, n.customer_no
                  FROM ${CUSTOMER_ORDERS} AS o LEFT JOIN customer_numbers AS n ON n.customer_id = o.customer_id`);
    await db.run('DELETE FROM customer_categories');
    // A category at a time, in category order: a condition on a category reads its blocks only.
    // (One INSERT of every category ordered by category was quicker at 1x, 0.74 against 1.37 s,
    // but ran out of the default 400 MB at 3x beside the per-customer table.)
    for (const [j, category] of categories.entries()) {
      await timed(`customer_categories ${j + 1} of ${categories.length}`, `INSERT INTO customer_categories
                    SELECT ${sqlString(category)}, customer_id, orders_${j}, quantity_${j} FROM ${CUSTOMER_ORDERS} WHERE orders_${j} > 0`);
    }
  } finally {
    // After a failure inside a transaction this cannot run, and the rollback drops the table.
    await db.run(`DROP TABLE IF EXISTS ${CUSTOMER_ORDERS}`).catch(() => undefined);
  }
}
