import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { PurchasesCondition } from '../../model/segment.js';
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
 * from the lines too: ClickHouse keeps no summaries.
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
