import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { OrderFilter, PurchasesCondition } from '../../model/segment.js';
import type { ClickHouseContext } from './context.js';
import { chosenOrders, lineInScope, remarkHolds } from './purchase-lines.js';

/** The tests of an order filter on one line `p` (src/planner/compile-order-filter.ts), each two-valued. */
function orderFilterLineTests(filter: OrderFilter, ctx: ClickHouseContext): Sql<boolean>[] {
  const d = ctx.dialect;
  const tests: Sql<boolean>[] = [];
  if (filter.stores) tests.push(d.inList(sql.ref('p.store_id'), filter.stores));
  if (filter.media || filter.mediaEmpty) {
    const media = [...(filter.media ? [d.inList(sql.ref('p.media'), filter.media)] : []), ...(filter.mediaEmpty ? [d.isBlankText(sql.ref('p.media'))] : [])];
    // Each two-valued before OR: in 18.16 `1 OR NULL` is NULL.
    tests.push(sql`(${sql.join(media.map((m) => d.isTrue(m)), sql` OR `)})`);
  }
  if (filter.orderCodes) {
    const { min, max } = filter.orderCodes;
    const codes = [...(min !== undefined ? [sql`p.order_code >= ${min}`] : []), ...(max !== undefined ? [sql`p.order_code <= ${max}`] : [])];
    tests.push(sql`(${sql.join(codes, sql` AND `)})`);
  }
  for (const [name, values] of Object.entries(filter.groups ?? {})) {
    const column = `group:${name}`;
    tests.push(ctx.schema.purchaseColumns.has(column) ? d.inList(sql`p.${sql.id(column)}`, values) : d.no);
  }
  if (filter.statuses) tests.push(d.inList(sql.ref('p.status'), filter.statuses));
  if (filter.products) tests.push(d.inList(sql.ref('p.product_code'), filter.products));
  if (filter.remarkContains !== undefined) tests.push(remarkHolds(ctx, filter.remarkContains));
  return tests.map((t) => d.isTrue(t));
}

/** The lines in scope of each customer's first / last order in scope. */
function chosenOrderLines(leaf: PurchasesCondition, which: 'first' | 'last', ctx: ClickHouseContext, also: Sql<boolean>): Sql {
  return sql`SELECT p.customer_id AS customer_id FROM ${ctx.local('purchases')} AS p
    WHERE ${lineInScope(leaf, ctx)} AND ${also} AND (p.customer_id, p.order_id) IN (${chosenOrders(leaf, which, ctx)})`;
}

/**
 * `lastOrder` / `firstOrder`: the customer's latest / first order in scope passes the filter:
 * each test holds for at least one of that order's lines in scope. False without an order.
 */
export function compileOrderFilter(leaf: PurchasesCondition, which: 'first' | 'last', filter: OrderFilter, ctx: ClickHouseContext): Sql<boolean> {
  const lineTests = orderFilterLineTests(filter, ctx);
  const lines = sql`SELECT p.customer_id AS customer_id, ${sql.join(lineTests.map((t, i) => sql`${t} AS ${sql.ref(`t${i}`)}`))}
    FROM ${ctx.local('purchases')} AS p WHERE ${lineInScope(leaf, ctx)} AND (p.customer_id, p.order_id) IN (${chosenOrders(leaf, which, ctx)})`;
  const tests = lineTests.map((_, i) => sql`max(${sql.ref(`t${i}`)}) = 1`);
  return sql`(c.customer_id IN (SELECT customer_id FROM (${lines}) GROUP BY customer_id HAVING ${sql.join(tests, sql` AND `)}))`;
}

/** `firstOrderProducts` / `lastOrderProducts`: that order has a line in scope of one of the products. */
export function compileOrderProducts(leaf: PurchasesCondition, which: 'first' | 'last', codes: readonly string[], ctx: ClickHouseContext): Sql<boolean> {
  return sql`(c.customer_id IN (${chosenOrderLines(leaf, which, ctx, ctx.dialect.isTrue(ctx.dialect.inList(sql.ref('p.product_code'), codes)))}))`;
}
