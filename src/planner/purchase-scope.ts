import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { PurchasesCondition } from '../model/segment.js';
import type { PlannerContext } from './context.js';
import { foldText } from './compile-field.js';
import { inDateRange } from './ranges.js';
import { countedLine } from './sales-basis.js';

/** Does the leaf narrow the lines beyond "counted" (a window or a scope filter)? */
export function isScoped(leaf: PurchasesCondition): boolean {
  return leaf.window !== undefined || leaf.stores !== undefined || leaf.media !== undefined || leaf.orderCodes !== undefined || leaf.groups !== undefined ||
    leaf.shipWindow !== undefined || leaf.statuses !== undefined;
}

/** Identifies a scope: leaves with equal scopes share their derived tables. */
export function scopeKey(leaf: PurchasesCondition): string {
  return JSON.stringify([leaf.window ?? null, leaf.stores ?? null, leaf.media ?? null, leaf.orderCodes ?? null, leaf.groups ?? null, leaf.shipWindow ?? null, leaf.statuses ?? null]);
}

/**
 * The lines in scope, as a condition on the purchases row `p`: counted (`countedLine`: the
 * leaf's statuses, else the sales basis) and inside every scope filter given. In a WHERE clause,
 * so NULL = out.
 */
export function lineInScope(leaf: PurchasesCondition, ctx: PlannerContext): Sql<boolean> {
  const d = ctx.dialect;
  const tests: Sql[] = [countedLine(ctx, leaf.statuses)];
  if (leaf.window) {
    const on = leaf.window.on === 'shipped' ? sql.ref('p.shipped_at') : sql.ref('p.ordered_at');
    tests.push(inDateRange(ctx, on, leaf.window));
  }
  if (leaf.shipWindow) tests.push(inDateRange(ctx, sql.ref('p.shipped_at'), leaf.shipWindow));
  if (leaf.stores) tests.push(d.inList(sql.ref('p.store_id'), leaf.stores));
  if (leaf.media) tests.push(d.inList(sql.ref('p.media'), leaf.media));
  if (leaf.orderCodes?.min !== undefined) tests.push(sql`p.order_code >= ${leaf.orderCodes.min}`);
  if (leaf.orderCodes?.max !== undefined) tests.push(sql`p.order_code <= ${leaf.orderCodes.max}`);
  for (const [name, values] of Object.entries(leaf.groups ?? {})) {
    const column = `group:${name}`;
    tests.push(ctx.schema.purchaseColumns.has(column) ? d.inList(sql`p.${sql.id(column)}`, values) : sql`false`);
  }
  return sql`(${sql.join(tests, sql` AND `)})`;
}

/**
 * A line's product is one of the codes, or its category (the line's, else the product master's)
 * one of the categories; and, with `remarkContains`, its remark holds that text (both folded). A
 * row with only a remark text matches the lines whose remark holds it.
 */
export function lineMatchesProducts(ctx: PlannerContext, products: readonly string[], categories: readonly string[], remarkContains?: string): Sql<boolean> {
  const d = ctx.dialect;
  const tests: Sql[] = [];
  if (products.length > 0) tests.push(d.inList(sql.ref('p.product_code'), products));
  if (categories.length > 0) tests.push(d.inList(sql`COALESCE(p.category, p.product_category)`, categories));
  const product: Sql<boolean> = tests.length === 0 ? sql`false` : sql`(${sql.join(tests, sql` OR `)})`;
  if (remarkContains === undefined) return product;
  const remark = remarkHolds(ctx, remarkContains);
  return tests.length === 0 ? remark : sql`(${product} AND ${remark})`;
}

/** The line's remark (商品備考) holds the text, both NFKC-normalised and case-folded; a line without a remark does not. */
export function remarkHolds(ctx: PlannerContext, text: string): Sql<boolean> {
  return sql<boolean>`COALESCE(${ctx.dialect.hasSubstring(ctx.dialect.fold(sql.ref('p.remark')), foldText(text))}, false)`;
}

/**
 * Per-customer order figures over the lines in scope: order count, sales, first and last order
 * (time, id) and the last order's shipping time. Lifetime figures come from customer_summary,
 * kept by the purchases import; scoped ones are aggregated from the lines, once per scope.
 */
export function orderFigures(leaf: PurchasesCondition, ctx: PlannerContext): Sql {
  if (!isScoped(leaf)) return sql`customer_summary`;
  const d = ctx.dialect;
  const name = ctx.cte(`orders:${scopeKey(leaf)}`, () => {
    const order = [sql.ref('ts'), sql.ref('order_id')];
    return sql`SELECT customer_id, count(*) AS order_count, COALESCE(sum(sales), 0) AS sales,
        min(ts) AS first_ordered_at, max(ts) AS last_ordered_at, ${d.argMax(sql.ref('shipped'), order)} AS last_shipped_at,
        ${d.argMin(sql.ref('order_id'), order)} AS first_order_id, ${d.argMax(sql.ref('order_id'), order)} AS last_order_id
      FROM (SELECT p.customer_id, p.order_id, min(p.ordered_at) AS ts, max(p.shipped_at) AS shipped, sum(p.amount) AS sales
            FROM purchases p WHERE ${lineInScope(leaf, ctx)} GROUP BY p.customer_id, p.order_id)
      GROUP BY customer_id`;
  });
  return sql.table(name);
}
