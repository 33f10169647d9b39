import { sqlString } from '../dialect/duckdb/sql-text.js';

/**
 * The purchases import's second floor: DuckDB's read_csv of the order lines into a table, then the
 * summaries the counts read, written as an analyst would by hand (count(DISTINCT order_id) per
 * customer, per customer x product, per customer x category). The import's ratio is against
 * read_csv alone; this shows what a hand-written pipeline computing the same figures costs in the
 * same run, and its totals check the import's: they come from the file by SQL of their own.
 *
 * Written for the files `kumiwake generate` writes (the product master's Japanese header), and the
 * default sales basis (any status but cancelled, which generate writes `キャンセル`; lines not marked uncounted).
 */

/** Where summariesOf reads the order lines, and what it makes. */
interface LinesSource {
  /** the floor's own tables, or temporary ones in a read-only database */
  readonly kept: 'TABLE' | 'TEMP TABLE';
  readonly lines: string;
  /** a cancelled line's status as these lines hold it */
  readonly cancelled: string;
  /** the lines with what `category` reads (the lines themselves, or joined to a master) */
  readonly categoryFrom: string;
  /** a line's own category, else its product's */
  readonly category: string;
}

/** The three summaries, as the tables HAND_TOTALS reads: by_customer, by_product, by_category. */
function summariesOf(source: LinesSource): string[] {
  const { kept, lines, categoryFrom, category } = source;
  const counted = `counted IS NOT false AND status IS DISTINCT FROM ${sqlString(source.cancelled)}`;
  return [
    `CREATE ${kept} by_customer AS
       SELECT customer_id, count(DISTINCT order_id) AS orders, sum(amount) AS sales, min(ordered_at) AS first_at, max(ordered_at) AS last_at
       FROM ${lines} WHERE ${counted}
       GROUP BY customer_id`,
    `CREATE ${kept} by_product AS
       SELECT product_code, customer_id, count(DISTINCT order_id) AS orders, sum(COALESCE(quantity, 1)) AS quantity
       FROM ${lines} WHERE ${counted}
       GROUP BY product_code, customer_id`,
    `CREATE ${kept} by_category AS
       SELECT ${category} AS category, customer_id, count(DISTINCT order_id) AS orders, sum(COALESCE(quantity, 1)) AS quantity
       FROM ${categoryFrom} WHERE ${counted} AND ${category} IS NOT NULL
       GROUP BY ALL`,
  ];
}

/** The hand-written summaries over table `t` (read_csv's own types) and the product master file `products`. */
export const handSummaries = (products: string): string[] => [
  `CREATE TABLE master AS SELECT "商品コード"::VARCHAR AS product_code, "商品カテゴリ"::VARCHAR AS category FROM read_csv(${sqlString(products)}, all_varchar = true)`,
  ...summariesOf({
    kept: 'TABLE', lines: 't', cancelled: 'キャンセル',
    categoryFrom: 't LEFT JOIN master AS m ON m.product_code = t.product_code::VARCHAR', category: 'COALESCE(t.category, m.category)',
  }),
];

/**
 * The same summaries from the stored order lines (in a read-only database): after an upsert, the
 * summary rows it moved by the touched orders' difference (src/engine/duckdb/import/order-deltas.ts)
 * must total what the lines now hold. Statuses are stored canonical (`cancelled`), the master's
 * category beside each line.
 */
export const STORED_LINES_SUMMARIES = summariesOf({
  kept: 'TEMP TABLE', lines: 'purchases', cancelled: 'cancelled', categoryFrom: 'purchases', category: 'COALESCE(category, product_category)',
});

/** Rows and sums of the three summaries, each as text so that either side's number types compare. */
export type SummaryTotals = Readonly<Record<string, string>>;

const totalsOf = (customers: string, products: string, categories: string) => `
  SELECT (SELECT count(*) FROM ${customers})::VARCHAR AS "customers",
         (SELECT sum(orders) FROM ${customers})::VARCHAR AS "customers' orders",
         (SELECT sum(sales)::DECIMAL(38, 4) FROM ${customers})::VARCHAR AS "customers' sales",
         (SELECT count(*) FROM ${products})::VARCHAR AS "customer x product rows",
         (SELECT sum(orders) FROM ${products})::VARCHAR AS "customer x product orders",
         (SELECT sum(quantity) FROM ${products})::VARCHAR AS "customer x product quantity",
         (SELECT count(*) FROM ${categories})::VARCHAR AS "customer x category rows",
         (SELECT sum(orders) FROM ${categories})::VARCHAR AS "customer x category orders",
         (SELECT sum(quantity) FROM ${categories})::VARCHAR AS "customer x category quantity"`;

/** The totals of the hand-written summaries (in the floor's database). */
export const HAND_TOTALS = totalsOf('by_customer', 'by_product', 'by_category');

/** The same totals of the summaries a kumiwake import keeps. */
export const KUMIWAKE_TOTALS = totalsOf(
  '(SELECT order_count AS orders, sales FROM customer_summary)',
  '(SELECT order_count AS orders, quantity FROM customer_products)',
  '(SELECT order_count AS orders, quantity FROM customer_categories)',
);

/** Each total the two sides disagree on, as `name: kumiwake X, hand-written Y`. */
export function totalsDiffer(kumiwake: SummaryTotals, hand: SummaryTotals): string[] {
  return Object.keys(hand).filter((name) => kumiwake[name] !== hand[name]).map((name) => `${name}: kumiwake ${kumiwake[name] ?? 'none'}, hand-written ${hand[name]}`);
}
