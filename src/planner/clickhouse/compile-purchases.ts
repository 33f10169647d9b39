import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { PurchasesCondition } from '../../model/segment.js';
import { isScoped } from '../purchase-scope.js';
import type { ClickHouseContext } from './context.js';
import { customersWhere, customersWithRows } from './customer-sets.js';
import { compileOrderFilter, compileOrderProducts } from './compile-order-filter.js';
import { compileProductRows } from './compile-product-rows.js';
import { lineInScope, ordersInScope } from './purchase-lines.js';
import { inDateRange, inNumberRange, rangeHoldsForZero } from './ranges.js';

/**
 * A `purchases` condition: every figure given must hold (src/planner/compile-purchases.ts). The
 * order figures (count, sales, first / last order time, last shipping time) are aggregated from
 * the customer's orders in scope, shard-locally; a customer without one has count 0, sales 0 and
 * no dates, which decides between `IN` and `NOT IN` (customer-sets.ts). Lifetime figures are read
 * from the per-customer summary when it is current (`ctx.summary`), as the DuckDB planner reads
 * customer_summary; scoped ones from the lines.
 */
export function compilePurchases(leaf: PurchasesCondition, ctx: ClickHouseContext): Sql<boolean> {
  const tests: Sql<boolean>[] = [];
  const figures = orderFigureTests(leaf, ctx);
  if (figures) tests.push(figures);
  if (leaf.firstOrderProducts) tests.push(compileOrderProducts(leaf, 'first', leaf.firstOrderProducts, ctx));
  if (leaf.lastOrderProducts) tests.push(compileOrderProducts(leaf, 'last', leaf.lastOrderProducts, ctx));
  if (leaf.lastOrder) tests.push(compileOrderFilter(leaf, 'last', leaf.lastOrder, ctx));
  if (leaf.firstOrder) tests.push(compileOrderFilter(leaf, 'first', leaf.firstOrder, ctx));
  if (leaf.products && leaf.products.length > 0) tests.push(...compileProductRows(leaf, leaf.products, ctx));
  if (tests.length === 0) return ctx.dialect.yes;
  const [only, ...more] = tests;
  return only && more.length === 0 ? only : sql`(${sql.join(tests, sql` AND `)})`;
}

function orderFigureTests(leaf: PurchasesCondition, ctx: ClickHouseContext): Sql<boolean> | undefined {
  const d = ctx.dialect;
  const { orderCount, sales, firstOrderedAt, lastOrderedAt, lastShippedAt } = leaf;
  if (!orderCount && !sales && !firstOrderedAt && !lastOrderedAt && !lastShippedAt) return undefined;
  if (ctx.summary && !isScoped(leaf)) return lifetimeFigureTests(leaf, ctx);
  const lines = sql`SELECT p.customer_id AS customer_id FROM ${ctx.local('purchases')} AS p WHERE ${lineInScope(leaf, ctx)}`;
  if (orderCount && !sales && !firstOrderedAt && !lastOrderedAt && !lastShippedAt) {
    // "Ordered at least once / never" needs no order figures, only who has a line in scope.
    const min = orderCount.min ?? 0;
    if (orderCount.max === undefined && min <= 0) return d.yes;
    if (orderCount.max === undefined && min === 1) return customersWithRows(lines, true);
    if (orderCount.max === 0) return customersWithRows(lines, false);
  }
  const holds: Sql<boolean>[] = [];
  let holdsForNone = true;
  // Only the last order's figures need the orders themselves (an order's time is its earliest
  // line's); count, sales and the first order time are read from the lines in one grouping.
  const byOrder = lastOrderedAt !== undefined || lastShippedAt !== undefined;
  if (orderCount) {
    holds.push(inNumberRange(ctx, byOrder ? sql`count()` : sql`uniqExact(order_id)`, orderCount));
    holdsForNone &&= rangeHoldsForZero(orderCount);
  }
  if (sales) {
    holds.push(inNumberRange(ctx, sql`ifNull(sum(${sql.ref(byOrder ? 'order_sales' : 'amount')}), ${d.decimal(0)})`, sales, true));
    holdsForNone &&= rangeHoldsForZero(sales);
  }
  if (firstOrderedAt) holds.push(inDateRange(ctx, sql`min(ts)`, firstOrderedAt));
  if (lastOrderedAt) holds.push(inDateRange(ctx, sql`max(ts)`, lastOrderedAt));
  // The last order's shipping time (NULL when it was never shipped: the tuple keeps the NULL).
  if (lastShippedAt) holds.push(inDateRange(ctx, d.argMax(sql.ref('shipped'), [sql.ref('ts'), sql.ref('order_id')]), lastShippedAt));
  if (firstOrderedAt || lastOrderedAt || lastShippedAt) holdsForNone = false;
  const rows = byOrder ? ordersInScope(leaf, ctx, { shipped: lastShippedAt !== undefined, sales: sales !== undefined })
    : sql`SELECT p.customer_id AS customer_id, p.order_id AS order_id, p.amount AS amount, p.ordered_at AS ts FROM ${ctx.local('purchases')} AS p WHERE ${lineInScope(leaf, ctx)}`;
  return customersWhere(rows, d.isTrue(sql`(${sql.join(holds, sql` AND `)})`), holdsForNone);
}

/**
 * Lifetime figures (no window, no scope filter) from the shard's customer_summary row: one row
 * per customer with a counted line, holding what the grouping of `orderFigureTests` computes
 * (sql/clickhouse/customer-summary.sql). A customer without a row has count 0, sales 0, no dates.
 */
function lifetimeFigureTests(leaf: PurchasesCondition, ctx: ClickHouseContext): Sql<boolean> {
  const d = ctx.dialect;
  const { orderCount, sales, firstOrderedAt, lastOrderedAt, lastShippedAt } = leaf;
  const summary = ctx.local('customer_summary');
  if (orderCount && !sales && !firstOrderedAt && !lastOrderedAt && !lastShippedAt) {
    const min = orderCount.min ?? 0;
    const buyers = sql`SELECT s.customer_id AS customer_id FROM ${summary} AS s`;
    if (orderCount.max === undefined && min <= 0) return d.yes;
    if (orderCount.max === undefined && min === 1) return customersWithRows(buyers, true);
    if (orderCount.max === 0) return customersWithRows(buyers, false);
  }
  const holds: Sql<boolean>[] = [];
  let holdsForNone = true;
  if (orderCount) {
    holds.push(inNumberRange(ctx, sql.ref('s.order_count'), orderCount));
    holdsForNone &&= rangeHoldsForZero(orderCount);
  }
  if (sales) {
    holds.push(inNumberRange(ctx, sql.ref('s.sales'), sales, true));
    holdsForNone &&= rangeHoldsForZero(sales);
  }
  if (firstOrderedAt) holds.push(inDateRange(ctx, sql.ref('s.first_ordered_at'), firstOrderedAt));
  if (lastOrderedAt) holds.push(inDateRange(ctx, sql.ref('s.last_ordered_at'), lastOrderedAt));
  if (lastShippedAt) holds.push(inDateRange(ctx, sql.ref('s.last_shipped_at'), lastShippedAt));
  if (firstOrderedAt || lastOrderedAt || lastShippedAt) holdsForNone = false;
  const test = d.isTrue(sql`(${sql.join(holds, sql` AND `)})`);
  // One row per customer: the test is on the row, no grouping (customer-sets.ts's IN / NOT IN rule).
  return holdsForNone
    ? sql`(c.customer_id NOT IN (SELECT s.customer_id FROM ${summary} AS s WHERE NOT ${test}))`
    : sql`(c.customer_id IN (SELECT s.customer_id FROM ${summary} AS s WHERE ${test}))`;
}
