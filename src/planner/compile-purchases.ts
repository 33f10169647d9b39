import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { NumberRange, ProductRow, PurchasesCondition, PurchaseWindow } from '../model/segment.js';
import { compileOrderFilter } from './compile-order-filter.js';
import type { PlannerContext } from './context.js';
import { isScoped, lineInScope, lineMatchesProducts, orderFigures, scopeKey } from './purchase-scope.js';
import { inDateRange, inNumberRange, isTrue } from './ranges.js';
import { resolveRange } from '../model/dates.js';

/**
 * A `purchases` condition: every figure given must hold. A customer with no order in scope has
 * order count 0, sales 0 and every product row at 0, and no first or last order: the LEFT JOINs
 * leave NULLs for them, which COALESCE turns into those values, so `{"min": 0, "max": 0}` selects
 * customers without any purchase row, and date conditions are false for them.
 */
export function compilePurchases(leaf: PurchasesCondition, ctx: PlannerContext): Sql<boolean> {
  const tests: Sql<boolean>[] = [];
  const key = scopeKey(leaf);
  const needsFigures = leaf.orderCount || leaf.sales || leaf.firstOrderedAt || leaf.lastOrderedAt || leaf.lastShippedAt;
  const onlyPresence = leaf.orderCount && !leaf.sales && !leaf.firstOrderedAt && !leaf.lastOrderedAt && !leaf.lastShippedAt ? presence(leaf.orderCount) : undefined;
  const openWindow = onlyPresence && isScoped(leaf) ? openWindowLineTime(leaf, ctx) : undefined;
  if (onlyPresence && openWindow) {
    // Ordered in a window open at one end: the customer's latest (or earliest) counted line time.
    const f = ctx.join(`figures:${scopeKey({ kind: 'purchases' })}`, () => sql`SELECT * FROM customer_summary`, ctx.numberedKey);
    tests.push(presenceTest(onlyPresence, isTrue(inDateRange(ctx, ctx.column(f, openWindow.column), openWindow.window))));
  } else if (onlyPresence && isScoped(leaf)) {
    // "Ordered at least once / never in scope" needs no order figures, only who has a line in scope.
    const alias = ctx.join(`presence:${key}`, () => sql`SELECT DISTINCT p.customer_id FROM purchases p WHERE ${lineInScope(leaf, ctx)}`);
    tests.push(presenceTest(onlyPresence, sql`(${ctx.column(alias, 'customer_id')} IS NOT NULL)`));
  } else if (needsFigures) {
    // Lifetime figures are customer_summary's rows, joined by number where they carry one.
    const f = ctx.join(`figures:${key}`, () => sql`SELECT * FROM ${orderFigures(leaf, ctx)}`, isScoped(leaf) ? 'customer_id' : ctx.numberedKey);
    const col = (name: string) => ctx.column(f, name);
    if (leaf.orderCount) tests.push(isTrue(inNumberRange(sql`COALESCE(${col('order_count')}, 0)`, leaf.orderCount)));
    if (leaf.sales) tests.push(isTrue(inNumberRange(sql`COALESCE(${col('sales')}, 0)`, leaf.sales)));
    if (leaf.firstOrderedAt) tests.push(isTrue(inDateRange(ctx, col('first_ordered_at'), leaf.firstOrderedAt)));
    if (leaf.lastOrderedAt) tests.push(isTrue(inDateRange(ctx, col('last_ordered_at'), leaf.lastOrderedAt)));
    if (leaf.lastShippedAt) tests.push(isTrue(inDateRange(ctx, col('last_shipped_at'), leaf.lastShippedAt)));
  }
  for (const [which, codes] of [['first', leaf.firstOrderProducts], ['last', leaf.lastOrderProducts]] as const) {
    if (!codes) continue;
    const alias = ctx.join(`${which}-products:${key}:${JSON.stringify(codes)}`, () =>
      sql`SELECT DISTINCT f.customer_id FROM ${orderFigures(leaf, ctx)} f
          JOIN purchases p ON p.order_id = f.${sql.ref(`${which}_order_id`)} AND p.customer_id = f.customer_id
          WHERE ${lineInScope(leaf, ctx)} AND ${ctx.dialect.inList(sql.ref('p.product_code'), codes)}`);
    tests.push(sql`(${ctx.column(alias, 'customer_id')} IS NOT NULL)`);
  }
  if (leaf.lastOrder) tests.push(compileOrderFilter(leaf, 'last', leaf.lastOrder, ctx));
  if (leaf.firstOrder) tests.push(compileOrderFilter(leaf, 'first', leaf.firstOrder, ctx));
  if (leaf.products && leaf.products.length > 0) tests.push(...compileProductRows(leaf, leaf.products, ctx));
  const [only, ...more] = tests;
  return only && more.length === 0 ? only : sql`(${sql.join(tests, sql` AND `)})`;
}

/**
 * The customer_summary column that answers "has a counted line ordered in the window" when the
 * leaf's only scope is an order-time window open at one end: the latest line time for a window
 * with no end, the earliest (first_ordered_at: an order's time is its earliest line's) for one
 * with no start. Undefined when the lines must decide.
 */
function openWindowLineTime(leaf: PurchasesCondition, ctx: PlannerContext): { column: 'last_line_at' | 'first_ordered_at'; window: PurchaseWindow } | undefined {
  const window = leaf.window;
  if (!ctx.schema.purchaseSummaries || !window || window.on !== 'ordered') return undefined;
  if (leaf.stores || leaf.media || leaf.orderCodes || leaf.groups || leaf.shipWindow || leaf.statuses) return undefined;
  const range = resolveRange(window, ctx.asOf);
  if (range.to === undefined) return { column: 'last_line_at', window };
  if (range.from === undefined) return { column: 'first_ordered_at', window };
  return undefined;
}

/**
 * Product rows: per row, the number of orders in scope with a matching line (or the quantity
 * of the matching lines); from the summaries where they give it exactly, else from the lines.
 */
function compileProductRows(leaf: PurchasesCondition, rows: readonly ProductRow[], ctx: PlannerContext): Sql<boolean>[] {
  const fromSummaries = new Map<ProductRow, Sql<boolean>>();
  for (const row of rows) {
    const test = isScoped(leaf) || !ctx.schema.purchaseSummaries || row.remarkContains !== undefined ? undefined : productRowFromSummaries(leaf, row, ctx);
    if (test) fromSummaries.set(row, test);
  }
  const rest = rows.filter((row) => !fromSummaries.has(row));
  const fromLines = rest.length > 0 ? compileProductRowsFromLines(leaf, rest, ctx) : new Map<ProductRow, Sql<boolean>>();
  return rows.flatMap((row) => fromSummaries.get(row) ?? fromLines.get(row) ?? []);
}

/**
 * A lifetime product row read from customer_products / customer_categories, when they give it
 * or mostly: one product or one category (orders or quantity); several products, or several
 * categories, for a quantity (their lines are disjoint) or for "at least once" / "never"; several
 * products and / or categories for orders, bounded by the summaries and counted from the lines for
 * the customers the bounds leave undecided (boundedOrderCount). Otherwise undefined: the lines
 * decide (products and categories together for a quantity: a line may match both).
 */
function productRowFromSummaries(leaf: PurchasesCondition, row: ProductRow, ctx: PlannerContext): Sql<boolean> | undefined {
  const d = ctx.dialect;
  const { products, categories } = row;
  const quantity = row.unit === 'quantity';
  const whether = quantity ? undefined : presence(row.count);
  const sources = [
    ...(products.length > 0 ? [{ table: 'customer_products', column: 'product_code', values: products }] : []),
    ...(categories.length > 0 ? [{ table: 'customer_categories', column: 'category', values: categories }] : []),
  ];
  if (sources.length === 0) return undefined;
  const select = (src: (typeof sources)[number], figure: Sql) =>
    sql`SELECT customer_id, ${figure} FROM ${sql.table(src.table)} AS s WHERE ${d.inSortedColumn(sql.ref(`s.${src.column}`), src.values)}`;
  if (whether !== undefined) {
    if (whether === 'any') return sql`true`;
    const alias = ctx.join(`summary-presence:${JSON.stringify(sources)}`, () =>
      sql`SELECT DISTINCT customer_id FROM (${sql.join(sources.map((src) => select(src, sql`1 AS one`)), sql` UNION ALL `)})`);
    return presenceTest(whether, sql`(${ctx.column(alias, 'customer_id')} IS NOT NULL)`);
  }
  const [source, ...others] = sources;
  if (!source) return undefined;
  if (!quantity && (others.length > 0 || source.values.length !== 1)) {
    const orderIds = ctx.schema.productOrderIds === true && products.length > 0;
    const perSource = sources.map((src) => select(src, orderIds
      ? sql`s.order_count AS f, ${src.table === 'customer_products' ? sql`s.only_order_id` : sql`NULL`} AS o`
      : sql`s.order_count AS f`));
    return boundedOrderCount(leaf, row, perSource, orderIds, ctx);
  }
  if (others.length > 0) return undefined;
  const figure = quantity ? 'quantity' : 'order_count';
  const alias = ctx.join(`summary-${figure}:${JSON.stringify(sources)}`, () =>
    sql`SELECT customer_id, sum(f) AS f FROM (${select(source, sql`${sql.ref(`s.${figure}`)} AS f`)}) GROUP BY customer_id`);
  return isTrue(inNumberRange(sql`COALESCE(${ctx.column(alias, 'f')}, 0)`, row.count));
}

/**
 * Orders holding any of several products / categories: an order holding two of them counts once,
 * so the summaries only bound the figure: at least the largest of their order counts, at most
 * their sum. Most customers are decided by those bounds alone (at 1x, "P00001 or P00002 in 2+
 * orders" left 814 of the 141,152 customers with either undecided). With `orderIds` (each source
 * row's `o`: the pair's one order, customer_products.only_order_id) a customer whose rows are
 * each of one order is counted exactly too, as the distinct orders named (at 1x all 814). Only
 * the customers left are counted from the lines (a scan of every line's product code: 233 ms
 * there). `f` is the exact count or, for a decided customer, the lower bound, which lies in the
 * range exactly when the exact count does.
 */
function boundedOrderCount(leaf: PurchasesCondition, row: ProductRow, perSource: readonly Sql[], orderIds: boolean, ctx: PlannerContext): Sql<boolean> {
  const { min, max } = row.count;
  const key = JSON.stringify([row.products, row.categories, row.count]);
  const exact = orderIds ? sql`, CASE WHEN max(f) = 1 AND count(o) = count(*) THEN count(DISTINCT o) END AS exact` : sql``;
  // Read twice below (every customer's bounds, and the undecided ones): one WITH subquery.
  const bounds = sql.table(ctx.cte(`summary-bounds:${key}`, () =>
    sql`SELECT customer_id, max(f) AS lo, sum(f) AS hi${exact} FROM (${sql.join(perSource, sql` UNION ALL `)}) AS u GROUP BY customer_id`));
  // Decided: counted from the order ids, the bounds meet, both lie in the range, or both lie below or above it.
  const inside = [...(min !== undefined ? [sql`b.lo >= ${min}`] : []), ...(max !== undefined ? [sql`b.hi <= ${max}`] : [])];
  const decided = sql`(${sql.join([
    ...(orderIds ? [sql`b.exact IS NOT NULL`] : []),
    sql`b.lo = b.hi`,
    inside.length > 0 ? sql`(${sql.join(inside, sql` AND `)})` : sql`true`,
    ...(min !== undefined ? [sql`b.hi < ${min}`] : []),
    ...(max !== undefined ? [sql`b.lo > ${max}`] : []),
  ], sql` OR `)})`;
  const alias = ctx.join(`summary-bounded:${key}`, () =>
    sql`SELECT b.customer_id, CASE ${orderIds ? sql`WHEN b.exact IS NOT NULL THEN b.exact ` : sql``}WHEN ${decided} THEN b.lo ELSE x.f END AS f
        FROM ${bounds} AS b
        LEFT JOIN (
          SELECT p.customer_id, count(DISTINCT p.order_id) AS f FROM purchases p
          WHERE ${lineInScope(leaf, ctx)} AND ${lineMatchesProducts(ctx, row.products, row.categories)}
            AND p.customer_id IN (SELECT b.customer_id FROM ${bounds} AS b WHERE NOT ${decided})
          GROUP BY p.customer_id
        ) AS x ON x.customer_id = b.customer_id`);
  return isTrue(inNumberRange(sql`COALESCE(${ctx.column(alias, 'f')}, 0)`, row.count));
}

/** Product rows counted from the lines, all rows from one pass over the lines that match any row. */
function compileProductRowsFromLines(leaf: PurchasesCondition, rows: readonly ProductRow[], ctx: PlannerContext): Map<ProductRow, Sql<boolean>> {
  const d = ctx.dialect;
  const parts = rows.map((row, i) => ({
    row,
    match: lineMatchesProducts(ctx, row.products, row.categories, row.remarkContains),
    presence: row.unit === 'quantity' ? undefined : presence(row.count),
    m: sql.ref(`m${i}`),
    f: `f${i}`,
  }));
  const matchesAny = linesOfAnyRow(rows, parts.map((p) => p.match), ctx);
  const asked = parts.flatMap((p) => (p.presence ? [{ ...p, presence: p.presence }] : []));
  if (asked.length === parts.length) {
    // Every row asks "bought at least once" or "never": one pass grouped by customer, no orders.
    const alias = ctx.join(`product-presence:${scopeKey(leaf)}:${JSON.stringify(rows)}`, () =>
      sql`SELECT p.customer_id, ${sql.join(parts.map((p) => sql`${d.boolOr(p.match)} AS ${sql.ref(p.f)}`))}
          FROM purchases p WHERE ${lineInScope(leaf, ctx)} AND ${matchesAny} GROUP BY p.customer_id`);
    return new Map(asked.map((p) => [p.row, presenceTest(p.presence, isTrue(ctx.column(alias, p.f)))]));
  }
  const alias = ctx.join(`product-rows:${scopeKey(leaf)}:${JSON.stringify(rows)}`, () => {
    const perOrder = parts.map((p) =>
      p.row.unit === 'quantity' ? sql`sum(CASE WHEN ${p.match} THEN COALESCE(p.quantity, 1) END) AS ${p.m}` : sql`${d.boolOr(p.match)} AS ${p.m}`);
    const perCustomer = parts.map((p) => (p.row.unit === 'quantity' ? sql`sum(${p.m}) AS ${sql.ref(p.f)}` : sql`${d.countWhere(p.m)} AS ${sql.ref(p.f)}`));
    return sql`SELECT customer_id, ${sql.join(perCustomer)} FROM (
        SELECT p.customer_id, p.order_id, ${sql.join(perOrder)} FROM purchases p
        WHERE ${lineInScope(leaf, ctx)} AND ${matchesAny}
        GROUP BY p.customer_id, p.order_id)
      GROUP BY customer_id`;
  });
  return new Map(parts.map((p) => [p.row, isTrue(inNumberRange(sql`COALESCE(${ctx.column(alias, p.f)}, 0)`, p.row.count))]));
}

/**
 * The lines any of the rows counts. Rows without a remark text are one test of the codes and
 * categories of them all: DuckDB tests a list inside the scan, but turns an OR of tests of one
 * column into the slower OR of equalities after it.
 */
function linesOfAnyRow(rows: readonly ProductRow[], matches: readonly Sql<boolean>[], ctx: PlannerContext): Sql<boolean> {
  if (rows.some((row) => row.remarkContains !== undefined)) return sql`(${sql.join(matches, sql` OR `)})`;
  const all = (pick: (row: ProductRow) => readonly string[]) => [...new Set(rows.flatMap(pick))];
  return lineMatchesProducts(ctx, all((row) => row.products), all((row) => row.categories));
}

/**
 * A count range that only asks whether there is anything: `some` (min 1, no max), `none`
 * (max 0), `any` (no bound above 0: true for everyone); undefined when the count itself matters.
 */
function presence(range: NumberRange): 'some' | 'none' | 'any' | undefined {
  const min = range.min ?? 0;
  if (range.max === undefined) return min <= 0 ? 'any' : min === 1 ? 'some' : undefined;
  return range.max === 0 && min <= 0 ? 'none' : undefined;
}

/** The test a presence asks of "has something in scope". */
function presenceTest(presence: 'some' | 'none' | 'any', has: Sql<boolean>): Sql<boolean> {
  return presence === 'some' ? has : presence === 'none' ? sql`(NOT ${has})` : sql`true`;
}
