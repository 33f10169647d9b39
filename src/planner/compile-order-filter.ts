import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { OrderFilter, PurchasesCondition } from '../model/segment.js';
import type { PlannerContext } from './context.js';
import { lineInScope, orderFigures, remarkHolds, scopeKey } from './purchase-scope.js';
import { isTrue } from './ranges.js';

/**
 * The tests of an order filter on one line `p`, one per filter given: the order passes when
 * each of them holds for at least one of its lines in scope.
 */
export function orderFilterLineTests(filter: OrderFilter, ctx: PlannerContext): Sql<boolean>[] {
  const d = ctx.dialect;
  const tests: Sql<boolean>[] = [];
  if (filter.stores) tests.push(d.inList(sql.ref('p.store_id'), filter.stores));
  if (filter.media || filter.mediaEmpty) {
    const media = [...(filter.media ? [d.inList(sql.ref('p.media'), filter.media)] : []), ...(filter.mediaEmpty ? [d.isBlankText(sql.ref('p.media'))] : [])];
    tests.push(sql`(${sql.join(media, sql` OR `)})`);
  }
  if (filter.orderCodes) {
    const { min, max } = filter.orderCodes;
    const codes = [...(min !== undefined ? [sql`p.order_code >= ${min}`] : []), ...(max !== undefined ? [sql`p.order_code <= ${max}`] : [])];
    tests.push(sql`(${sql.join(codes, sql` AND `)})`);
  }
  for (const [name, values] of Object.entries(filter.groups ?? {})) {
    const column = `group:${name}`;
    tests.push(ctx.schema.purchaseColumns.has(column) ? d.inList(sql`p.${sql.id(column)}`, values) : sql`false`);
  }
  if (filter.statuses) tests.push(d.inList(sql.ref('p.status'), filter.statuses));
  if (filter.products) tests.push(d.inList(sql.ref('p.product_code'), filter.products));
  if (filter.remarkContains !== undefined) tests.push(remarkHolds(ctx, filter.remarkContains));
  return tests.map((t) => isTrue(t));
}

/**
 * `lastOrder` / `firstOrder`: the customer's latest / first order in the leaf's scope (the order
 * figures' rules: an order's time is its earliest line's, ties to the larger order_id) passes the
 * filter. One pass over that order's lines in scope per customer; false without an order in scope.
 */
export function compileOrderFilter(leaf: PurchasesCondition, which: 'first' | 'last', filter: OrderFilter, ctx: PlannerContext): Sql<boolean> {
  const alias = ctx.join(`${which}-order:${scopeKey(leaf)}:${JSON.stringify(filter)}`, () => {
    const held = orderFilterLineTests(filter, ctx).map((t) => ctx.dialect.boolOr(t));
    return sql`SELECT f.customer_id FROM ${orderFigures(leaf, ctx)} f
        JOIN purchases p ON p.order_id = f.${sql.ref(`${which}_order_id`)} AND p.customer_id = f.customer_id
        WHERE ${lineInScope(leaf, ctx)}
        GROUP BY f.customer_id HAVING ${sql.join(held, sql` AND `)}`;
  });
  return sql`(${ctx.column(alias, 'customer_id')} IS NOT NULL)`;
}
