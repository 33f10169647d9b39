/**
 * The benchmark's segment suite: one segment per condition kind plus combined LTV-style ones,
 * each with a hand-written DuckDB query over the raw tables that counts the same customers
 * (the floor the planner is compared with). Values fit `kumiwake generate` data.
 */
import type { DuckDBEngine } from '../engine/duckdb/engine.js';
import { sqlString } from '../dialect/duckdb/sql-text.js';

export interface BenchSegment {
  readonly name: string;
  readonly definition: Record<string, unknown>;
  /** hand-written, tuned DuckDB SQL returning one row with the count; `:asof` is the as-of date */
  readonly handSql: string;
  /**
   * hand-written PostgreSQL for the same customers over the raw tables, as the CRM products it
   * stands for keep them, shaped for its indexes (EXISTS / NOT EXISTS, sargable ranges)
   */
  readonly pgSql: string;
  /**
   * for a segment the planner answers from the summary tables: hand-written PostgreSQL over the
   * same summaries (loaded into PostgreSQL by the benchmark), reading the columns the planner
   * reads (src/planner/CONTEXT.md), so PostgreSQL is timed on the same precomputed data; absent
   * where the planner reads the raw tables
   */
  readonly pgSummarySql?: string;
}

const pgVisible = 'NOT COALESCE(c.deleted, false)';
const pgCounted = `p.counted IS NOT false AND p.status IS DISTINCT FROM 'cancelled'`;
/** The customer has (or has not) a customer_products / customer_categories row for the code: an index probe. */
const pgHasProduct = (code: string) => `EXISTS (SELECT 1 FROM customer_products cp WHERE cp.product_code = ${sqlString(code)} AND cp.customer_id = c.customer_id)`;
const pgHasCategory = (category: string) => `EXISTS (SELECT 1 FROM customer_categories cc WHERE cc.category = '${category}' AND cc.customer_id = c.customer_id)`;

const counted = `counted IS NOT false AND status IS DISTINCT FROM 'cancelled'`;
const visible = `NOT COALESCE(c.deleted, false)`;
/** Age at the as-of date in whole years (a year older on the birthday itself) within [min, max]. */
const ageBetween = (min: number, max: number) =>
  `year(DATE ':asof') - year(birthday) - CASE WHEN month(DATE ':asof') * 100 + day(DATE ':asof') < month(birthday) * 100 + day(birthday) THEN 1 ELSE 0 END BETWEEN ${min} AND ${max}`;
const reachableEmail = `NOT COALESCE(withdrawn, false) AND COALESCE(mail_status, 'normal') = 'normal' AND COALESCE(bounce_count, 0) < 3
      AND ((email_pc IS NOT NULL AND trim(email_pc) <> '' AND mail_permission IN ('pc', 'both')) OR (email_mobile IS NOT NULL AND trim(email_mobile) <> '' AND mail_permission IN ('mobile', 'both')))`;

/**
 * The two products the combined segments ask to have been bought, beside never a supplement:
 * `kumiwake generate` gives products their categories by its seed, so on another seed P00001 may
 * itself be a supplement, and the segments would select no one (benchProducts).
 */
export interface BenchProducts {
  readonly first: string;
  readonly second: string;
}

/** The products of seed 42, the README's figures. */
export const SEED_42_PRODUCTS: BenchProducts = { first: 'P00001', second: 'P00003' };

/** The supplements' category, which the combined segments' 0~0 row excludes. */
export const EXCLUDED_CATEGORY = 'サプリメント';

/**
 * P00001 and P00003, or on a shop where either is a supplement the next code after it that is not
 * (from the products table of the benchmark's database).
 */
export async function benchProducts(db: DuckDBEngine): Promise<BenchProducts> {
  const next = async (from: string, not: string) => (await db.all<{ code: string }>(
    `SELECT product_code AS code FROM products WHERE product_code >= $from AND product_code <> $not AND category IS DISTINCT FROM $category ORDER BY product_code LIMIT 1`,
    { from, not, category: EXCLUDED_CATEGORY }))[0]?.code ?? from;
  const first = await next(SEED_42_PRODUCTS.first, '');
  return { first, second: await next(SEED_42_PRODUCTS.second, first) };
}

/** The suite, its combined segments asking for `products`. */
export const benchSegmentsFor = ({ first, second }: BenchProducts = SEED_42_PRODUCTS): readonly BenchSegment[] => [
  {
    name: 'attributes',
    definition: { where: { all: [
      { kind: 'field', field: 'prefecture', op: 'in', values: ['東京都', '神奈川県', '千葉県', '埼玉県'] },
      { kind: 'field', field: 'gender', op: 'eq', value: 'female' },
      { kind: 'age', min: 30, max: 49 },
    ] } },
    handSql: `SELECT count(*) FROM customers c WHERE ${visible} AND prefecture IN ('東京都', '神奈川県', '千葉県', '埼玉県') AND gender = 'female'
      AND ${ageBetween(30, 49)}`,
    pgSql: `SELECT count(*) FROM customers c WHERE ${pgVisible} AND prefecture IN ('東京都', '神奈川県', '千葉県', '埼玉県') AND gender = 'female'
      AND birthday > DATE ':asof' - INTERVAL '50 years' AND birthday <= DATE ':asof' - INTERVAL '30 years'`,
  },
  {
    name: 'lifetime RFM',
    definition: { where: { kind: 'purchases', orderCount: { min: 3 }, sales: { min: 30000 }, lastOrderedAt: { from: 'today-180d' } } },
    handSql: `SELECT count(*) FROM customers c JOIN (
        SELECT customer_id, count(DISTINCT order_id) AS n, sum(amount) AS s, max(ordered_at) AS last FROM purchases WHERE ${counted} GROUP BY customer_id
      ) p USING (customer_id) WHERE ${visible} AND n >= 3 AND s >= 30000 AND last >= DATE ':asof' - INTERVAL 180 DAY`,
    pgSql: `SELECT count(*) FROM customers c JOIN (
        SELECT p.customer_id, count(DISTINCT p.order_id) AS n, sum(p.amount) AS s, max(p.ordered_at) AS last FROM purchases p WHERE ${pgCounted} GROUP BY p.customer_id
      ) p USING (customer_id) WHERE ${pgVisible} AND n >= 3 AND s >= 30000 AND last >= DATE ':asof' - INTERVAL '180 days'`,
    pgSummarySql: `SELECT count(*) FROM customers c JOIN customer_summary s USING (customer_id)
      WHERE ${pgVisible} AND s.order_count >= 3 AND s.sales >= 30000 AND s.last_ordered_at >= DATE ':asof' - INTERVAL '180 days'`,
  },
  {
    name: 'dormant repeaters',
    definition: { where: { kind: 'purchases', orderCount: { min: 2 }, lastOrderedAt: { to: 'today-180d' } } },
    handSql: `SELECT count(*) FROM customers c JOIN (
        SELECT customer_id, count(DISTINCT order_id) AS n, max(ordered_at) AS last FROM purchases WHERE ${counted} GROUP BY customer_id
      ) p USING (customer_id) WHERE ${visible} AND n >= 2 AND last < DATE ':asof' - INTERVAL 179 DAY`,
    pgSql: `SELECT count(*) FROM customers c JOIN (
        SELECT p.customer_id, count(DISTINCT p.order_id) AS n, max(p.ordered_at) AS last FROM purchases p WHERE ${pgCounted} GROUP BY p.customer_id
      ) p USING (customer_id) WHERE ${pgVisible} AND n >= 2 AND last < DATE ':asof' - INTERVAL '179 days'`,
    pgSummarySql: `SELECT count(*) FROM customers c JOIN customer_summary s USING (customer_id)
      WHERE ${pgVisible} AND s.order_count >= 2 AND s.last_ordered_at < DATE ':asof' - INTERVAL '179 days'`,
  },
  {
    name: 'product rows',
    definition: { where: { kind: 'purchases', products: [{ products: ['P00001', 'P00002'], count: { min: 2 } }] } },
    handSql: `SELECT count(*) FROM customers c JOIN (
        SELECT customer_id FROM purchases WHERE ${counted} AND product_code IN ('P00001', 'P00002') GROUP BY customer_id HAVING count(DISTINCT order_id) >= 2
      ) p USING (customer_id) WHERE ${visible}`,
    pgSql: `SELECT count(*) FROM customers c WHERE ${pgVisible} AND c.customer_id IN (
        SELECT p.customer_id FROM purchases p WHERE ${pgCounted} AND p.product_code IN ('P00001', 'P00002') GROUP BY p.customer_id HAVING count(DISTINCT p.order_id) >= 2)`,
  },
  {
    name: 'never bought a category (0~0)',
    definition: { where: { kind: 'purchases', products: [{ categories: ['化粧品'], count: { min: 0, max: 0 } }] } },
    handSql: `SELECT count(*) FROM customers c WHERE ${visible} AND customer_id NOT IN (
        SELECT customer_id FROM purchases p WHERE ${counted} AND (p.category = '化粧品' OR (p.category IS NULL AND p.product_code IN (SELECT product_code FROM products WHERE category = '化粧品'))))`,
    pgSql: `SELECT count(*) FROM customers c WHERE ${pgVisible} AND NOT EXISTS (
        SELECT 1 FROM purchases p WHERE p.customer_id = c.customer_id AND ${pgCounted}
          AND (p.category = '化粧品' OR (p.category IS NULL AND p.product_code IN (SELECT product_code FROM products WHERE category = '化粧品'))))`,
    pgSummarySql: `SELECT count(*) FROM customers c WHERE ${pgVisible} AND NOT ${pgHasCategory('化粧品')}`,
  },
  {
    name: 'bought in the last 90 days',
    definition: { where: { kind: 'purchases', window: { from: 'today-90d' }, orderCount: { min: 1 } } },
    handSql: `SELECT count(*) FROM customers c WHERE ${visible} AND customer_id IN (
        SELECT customer_id FROM purchases WHERE ${counted} AND ordered_at >= DATE ':asof' - INTERVAL 90 DAY)`,
    pgSql: `SELECT count(*) FROM customers c WHERE ${pgVisible} AND c.customer_id IN (
        SELECT p.customer_id FROM purchases p WHERE ${pgCounted} AND p.ordered_at >= DATE ':asof' - INTERVAL '90 days')`,
    // a window with no end: the customer's latest counted line is in it
    pgSummarySql: `SELECT count(*) FROM customers c JOIN customer_summary s USING (customer_id)
      WHERE ${pgVisible} AND s.last_line_at >= DATE ':asof' - INTERVAL '90 days'`,
  },
  {
    name: 'opened one of three mails',
    definition: { where: { kind: 'mail', event: 'open', mails: ['M0098', 'M0099', 'M0100'], window: { from: 'today-90d' } } },
    handSql: `SELECT count(*) FROM customers c WHERE ${visible} AND customer_id IN (
        SELECT customer_id FROM mail_events WHERE event = 'open' AND mail_id IN ('M0098', 'M0099', 'M0100') AND occurred_at >= DATE ':asof' - INTERVAL 90 DAY)`,
    pgSql: `SELECT count(*) FROM customers c WHERE ${pgVisible} AND c.customer_id IN (
        SELECT customer_id FROM mail_events WHERE event = 'open' AND mail_id IN ('M0098', 'M0099', 'M0100') AND occurred_at >= DATE ':asof' - INTERVAL '90 days')`,
  },
  {
    name: 'did not click a scenario mail',
    definition: { where: { not: { kind: 'mail', event: 'click', mailFilter: { kinds: ['scenario'] } } } },
    handSql: `SELECT count(*) FROM customers c WHERE ${visible} AND customer_id NOT IN (
        SELECT customer_id FROM mail_events WHERE event = 'click' AND mail_id IN (SELECT mail_id FROM mails WHERE kind = 'scenario'))`,
    pgSql: `SELECT count(*) FROM customers c WHERE ${pgVisible} AND NOT EXISTS (
        SELECT 1 FROM mail_events e WHERE e.customer_id = c.customer_id AND e.event = 'click' AND e.mail_id IN (SELECT mail_id FROM mails WHERE kind = 'scenario'))`,
  },
  {
    name: 'reachable by email',
    definition: { where: { kind: 'reachable', channel: 'email' } },
    handSql: `SELECT count(*) FROM customers c WHERE ${visible} AND ${reachableEmail}`,
    pgSql: `SELECT count(*) FROM customers c WHERE ${pgVisible} AND ${reachableEmail}`,
  },
  {
    name: 'birthday month and tags',
    definition: { where: { all: [{ kind: 'birthday', from: '12-01', to: '12-31' }, { kind: 'tags', tags: ['vip', 'newsletter'] }] } },
    handSql: `SELECT count(*) FROM customers c WHERE ${visible} AND month(birthday) = 12 AND list_has_any(tags, ['vip', 'newsletter'])`,
    pgSql: `SELECT count(*) FROM customers c WHERE ${pgVisible} AND extract(month FROM birthday) = 12 AND tags && ARRAY['vip', 'newsletter']`,
  },
  {
    name: 'combined (area, RFM, products, window)',
    definition: { where: { all: [
      { kind: 'field', field: 'prefecture', op: 'in', values: ['東京都', '神奈川県', '千葉県', '埼玉県', '大阪府'] },
      { kind: 'purchases', orderCount: { min: 2 }, sales: { min: 10000 } },
      { kind: 'purchases', products: [{ products: [first], count: { min: 1 } }, { products: [second], count: { min: 1 } }, { categories: ['サプリメント'], count: { min: 0, max: 0 } }] },
      { kind: 'purchases', window: { from: 'today-365d' }, orderCount: { min: 1 } },
      { not: { kind: 'mail', event: 'open', mails: ['M0091', 'M0092', 'M0093'] } },
    ] } },
    handSql: `SELECT count(*) FROM customers c
      JOIN (SELECT customer_id, count(DISTINCT order_id) AS n, sum(amount) AS s,
                   count(DISTINCT order_id) FILTER (WHERE product_code = ${sqlString(first)}) AS p1,
                   count(DISTINCT order_id) FILTER (WHERE product_code = ${sqlString(second)}) AS p3,
                   count(*) FILTER (WHERE category = 'サプリメント' OR (category IS NULL AND product_code IN (SELECT product_code FROM products WHERE category = 'サプリメント'))) AS supplements,
                   max(ordered_at) AS last
            FROM purchases WHERE ${counted} GROUP BY customer_id) p USING (customer_id)
      WHERE ${visible} AND prefecture IN ('東京都', '神奈川県', '千葉県', '埼玉県', '大阪府') AND n >= 2 AND s >= 10000 AND p1 >= 1 AND p3 >= 1
        AND supplements = 0 AND last >= DATE ':asof' - INTERVAL 365 DAY
        AND customer_id NOT IN (SELECT customer_id FROM mail_events WHERE event = 'open' AND mail_id IN ('M0091', 'M0092', 'M0093'))`,
    pgSql: `SELECT count(*) FROM customers c
      JOIN (SELECT p.customer_id, count(DISTINCT p.order_id) AS n, sum(p.amount) AS s,
                   count(DISTINCT p.order_id) FILTER (WHERE p.product_code = ${sqlString(first)}) AS p1,
                   count(DISTINCT p.order_id) FILTER (WHERE p.product_code = ${sqlString(second)}) AS p3,
                   count(*) FILTER (WHERE p.category = 'サプリメント' OR (p.category IS NULL AND p.product_code IN (SELECT product_code FROM products WHERE category = 'サプリメント'))) AS supplements,
                   max(p.ordered_at) AS last
            FROM purchases p WHERE ${pgCounted} AND p.customer_id IN (SELECT customer_id FROM customers WHERE prefecture IN ('東京都', '神奈川県', '千葉県', '埼玉県', '大阪府'))
            GROUP BY p.customer_id) p USING (customer_id)
      WHERE ${pgVisible} AND c.prefecture IN ('東京都', '神奈川県', '千葉県', '埼玉県', '大阪府') AND n >= 2 AND s >= 10000 AND p1 >= 1 AND p3 >= 1
        AND supplements = 0 AND last >= DATE ':asof' - INTERVAL '365 days'
        AND NOT EXISTS (SELECT 1 FROM mail_events e WHERE e.customer_id = c.customer_id AND e.event = 'open' AND e.mail_id IN ('M0091', 'M0092', 'M0093'))`,
    pgSummarySql: `SELECT count(*) FROM customers c JOIN customer_summary s USING (customer_id)
      WHERE ${pgVisible} AND c.prefecture IN ('東京都', '神奈川県', '千葉県', '埼玉県', '大阪府') AND s.order_count >= 2 AND s.sales >= 10000
        AND s.last_line_at >= DATE ':asof' - INTERVAL '365 days'
        AND ${pgHasProduct(first)} AND ${pgHasProduct(second)} AND NOT ${pgHasCategory('サプリメント')}
        AND NOT EXISTS (SELECT 1 FROM mail_events e WHERE e.customer_id = c.customer_id AND e.event = 'open' AND e.mail_id IN ('M0091', 'M0092', 'M0093'))`,
  },
  {
    // The LTV-Lab style search of issue 11: attributes, lifetime RFM, three product rows (one 0~0),
    // no order in the last 365 days, no click on five mails, reachable by email.
    name: 'combined LTV',
    definition: { where: { all: [
      { kind: 'field', field: 'gender', op: 'eq', value: 'female' },
      { kind: 'age', min: 30, max: 59 },
      { kind: 'purchases', orderCount: { min: 2 }, sales: { min: 10000 } },
      { kind: 'purchases', products: [{ products: [first], count: { min: 1 } }, { products: [second], count: { min: 1 } }, { categories: ['サプリメント'], count: { min: 0, max: 0 } }] },
      { kind: 'purchases', window: { from: 'today-365d' }, orderCount: { min: 0, max: 0 } },
      { not: { kind: 'mail', event: 'click', mails: ['M0096', 'M0097', 'M0098', 'M0099', 'M0100'] } },
      { kind: 'reachable', channel: 'email' },
    ] } },
    handSql: `SELECT count(*) FROM customers c
      JOIN (SELECT customer_id, count(DISTINCT order_id) AS n, sum(amount) AS s,
                   count(*) FILTER (WHERE product_code = ${sqlString(first)}) AS p1,
                   count(*) FILTER (WHERE product_code = ${sqlString(second)}) AS p3,
                   count(*) FILTER (WHERE category = 'サプリメント' OR (category IS NULL AND product_code IN (SELECT product_code FROM products WHERE category = 'サプリメント'))) AS supplements,
                   max(ordered_at) AS last
            FROM purchases WHERE ${counted} GROUP BY customer_id) p USING (customer_id)
      WHERE ${visible} AND gender = 'female' AND ${ageBetween(30, 59)} AND n >= 2 AND s >= 10000 AND p1 >= 1 AND p3 >= 1
        AND supplements = 0 AND last < DATE ':asof' - INTERVAL 365 DAY AND ${reachableEmail}
        AND customer_id NOT IN (SELECT customer_id FROM mail_events WHERE event = 'click' AND mail_id IN ('M0096', 'M0097', 'M0098', 'M0099', 'M0100'))`,
    pgSql: `SELECT count(*) FROM customers c
      JOIN (SELECT p.customer_id, count(DISTINCT p.order_id) AS n, sum(p.amount) AS s,
                   count(*) FILTER (WHERE p.product_code = ${sqlString(first)}) AS p1,
                   count(*) FILTER (WHERE p.product_code = ${sqlString(second)}) AS p3,
                   count(*) FILTER (WHERE p.category = 'サプリメント' OR (p.category IS NULL AND p.product_code IN (SELECT product_code FROM products WHERE category = 'サプリメント'))) AS supplements,
                   max(p.ordered_at) AS last
            FROM purchases p WHERE ${pgCounted} AND p.customer_id IN (SELECT customer_id FROM customers WHERE gender = 'female')
            GROUP BY p.customer_id) p USING (customer_id)
      WHERE ${pgVisible} AND c.gender = 'female' AND c.birthday > DATE ':asof' - INTERVAL '60 years' AND c.birthday <= DATE ':asof' - INTERVAL '30 years'
        AND n >= 2 AND s >= 10000 AND p1 >= 1 AND p3 >= 1 AND supplements = 0 AND last < DATE ':asof' - INTERVAL '365 days' AND ${reachableEmail}
        AND NOT EXISTS (SELECT 1 FROM mail_events e WHERE e.customer_id = c.customer_id AND e.event = 'click' AND e.mail_id IN ('M0096', 'M0097', 'M0098', 'M0099', 'M0100'))`,
    // no order in the window (0~0): the latest counted line is before it; the summary row exists (2+ orders)
    pgSummarySql: `SELECT count(*) FROM customers c JOIN customer_summary s USING (customer_id)
      WHERE ${pgVisible} AND c.gender = 'female' AND c.birthday > DATE ':asof' - INTERVAL '60 years' AND c.birthday <= DATE ':asof' - INTERVAL '30 years'
        AND s.order_count >= 2 AND s.sales >= 10000 AND s.last_line_at < DATE ':asof' - INTERVAL '365 days'
        AND ${pgHasProduct(first)} AND ${pgHasProduct(second)} AND NOT ${pgHasCategory('サプリメント')} AND ${reachableEmail}
        AND NOT EXISTS (SELECT 1 FROM mail_events e WHERE e.customer_id = c.customer_id AND e.event = 'click' AND e.mail_id IN ('M0096', 'M0097', 'M0098', 'M0099', 'M0100'))`,
  },
];

/** The suite as on seed 42's shop (tests, and runs that are given no other). */
export const benchSegments = benchSegmentsFor();
