import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { PurchasesCondition } from '../../model/segment.js';
import { foldText } from '../compile-field.js';
import { isScoped } from '../purchase-scope.js';
import type { ClickHouseContext } from './context.js';
import { foldedColumn } from './folded.js';
import { inDateRange } from './ranges.js';

/**
 * A line of `purchases p` that counts (src/planner/sales-basis.ts): `counted` not false, and its
 * status one of the leaf's statuses, else of the shop's sales statuses, else any but cancelled.
 */
export function countedLine(ctx: ClickHouseContext, statuses?: readonly string[]): Sql<boolean> {
  const d = ctx.dialect;
  const basis = statuses ?? ctx.schema.salesStatuses;
  // Without a basis: any status but cancelled, a missing one included.
  const status = basis ? d.isTrue(d.inList(sql.ref('p.status'), basis)) : sql`ifNull(p.status != 'cancelled', 1)`;
  return sql`(${d.isNotFalse(sql.ref('p.counted'))} AND ${status})`;
}

/** The lines in scope: counted and inside every scope filter of the leaf (src/planner/purchase-scope.ts), two-valued. */
export function lineInScope(leaf: PurchasesCondition, ctx: ClickHouseContext): Sql<boolean> {
  const d = ctx.dialect;
  const tests: Sql[] = [countedLine(ctx, leaf.statuses)];
  if (leaf.window) tests.push(inDateRange(ctx, leaf.window.on === 'shipped' ? sql.ref('p.shipped_at') : sql.ref('p.ordered_at'), leaf.window));
  if (leaf.shipWindow) tests.push(inDateRange(ctx, sql.ref('p.shipped_at'), leaf.shipWindow));
  if (leaf.stores) tests.push(d.inList(sql.ref('p.store_id'), leaf.stores));
  if (leaf.media) tests.push(d.inList(sql.ref('p.media'), leaf.media));
  if (leaf.orderCodes?.min !== undefined) tests.push(sql`p.order_code >= ${leaf.orderCodes.min}`);
  if (leaf.orderCodes?.max !== undefined) tests.push(sql`p.order_code <= ${leaf.orderCodes.max}`);
  for (const [name, values] of Object.entries(leaf.groups ?? {})) {
    const column = `group:${name}`;
    tests.push(ctx.schema.purchaseColumns.has(column) ? d.inList(sql`p.${sql.id(column)}`, values) : d.no);
  }
  return d.isTrue(sql`(${sql.join(tests, sql` AND `)})`);
}

/** The line's remark (商品備考) holds the text, both folded; a line without a remark does not. */
export function remarkHolds(ctx: ClickHouseContext, text: string): Sql<boolean> {
  return ctx.dialect.isTrue(ctx.dialect.hasSubstring(foldedColumn(ctx, 'p', 'remark'), foldText(text)));
}

/**
 * A line's product is one of the codes, or its category (the line's, else the product
 * master's) one of the categories; with `remarkContains`, its remark holds that text too.
 */
export function lineMatchesProducts(ctx: ClickHouseContext, products: readonly string[], categories: readonly string[], remarkContains?: string): Sql<boolean> {
  const d = ctx.dialect;
  const tests: Sql[] = [];
  if (products.length > 0) tests.push(d.inList(sql.ref('p.product_code'), products));
  if (categories.length > 0) tests.push(d.inList(sql`ifNull(p.category, p.product_category)`, categories));
  // Each test two-valued before OR: in 18.16 `1 OR NULL` is NULL.
  const product: Sql<boolean> = tests.length === 0 ? d.no : sql`(${sql.join(tests.map((t) => d.isTrue(t)), sql` OR `)})`;
  if (remarkContains === undefined) return product;
  const remark = remarkHolds(ctx, remarkContains);
  return tests.length === 0 ? remark : sql`(${product} AND ${remark})`;
}

/**
 * One row per order of the customer with a line in scope (shard-local): its time (the earliest
 * line's) and, when asked, its last shipping time and sales, as the purchase summaries define
 * an order. Only the figures asked are aggregated (a Decimal sum is the costly one).
 */
export function ordersInScope(leaf: PurchasesCondition, ctx: ClickHouseContext, figures: { shipped?: boolean; sales?: boolean } = {}): Sql {
  const more = [
    ...(figures.shipped ? [sql`max(p.shipped_at) AS shipped`] : []),
    ...(figures.sales ? [sql`sum(p.amount) AS order_sales`] : []),
  ];
  return sql`SELECT p.customer_id AS customer_id, p.order_id AS order_id, min(p.ordered_at) AS ts${sql.join(more.map((m) => sql`, ${m}`), sql``)}
    FROM ${ctx.local('purchases')} AS p WHERE ${lineInScope(leaf, ctx)} GROUP BY p.customer_id, p.order_id`;
}

/**
 * The (customer_id, order_id) of each customer's first or last order in scope: the least /
 * greatest (time, order_id), so the first order's ties go to the smaller id, the last's to the
 * larger (sql/purchase-summaries.sql).
 */
export function chosenOrders(leaf: PurchasesCondition, which: 'first' | 'last', ctx: ClickHouseContext): Sql {
  // Lifetime: the order the per-customer summary names (same rule, sql/clickhouse/customer-summary.sql).
  if (ctx.summary && !isScoped(leaf)) {
    return sql`SELECT customer_id, ${sql.ref(which === 'last' ? 'last_order_id' : 'first_order_id')} AS chosen_order_id FROM ${ctx.local('customer_summary')}`;
  }
  const pick = which === 'last' ? sql`argMax` : sql`argMin`;
  return sql`SELECT customer_id, ${pick}(order_id, tuple(ts, order_id)) AS chosen_order_id FROM (${ordersInScope(leaf, ctx)}) GROUP BY customer_id`;
}
