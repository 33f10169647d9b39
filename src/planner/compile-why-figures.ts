import { sql } from 'kysely';
import type { MailCondition, ProductRow, PurchasesCondition } from '../model/segment.js';
import type { CompiledSegment, PlanOptions } from './compile-segment.js';
import { selectedMails } from './compile-mail.js';
import { compileInContext } from './compile-node-flags.js';
import { lineInScope, lineMatchesProducts, orderFigures } from './purchase-scope.js';
import { inDateRange, isTrue } from './ranges.js';

/**
 * The figures behind a leaf's truth value for one customer (`kumiwake why`), each from the same
 * SQL fragments the leaf compiles to (the lines in scope, the order figures, the selected mails),
 * restricted to that customer's rows: small statements, never a second version of the rules.
 */

/** The leaf's order figures (order count, sales, first/last order time and id, last shipping): no row when no order is in scope. */
export function compileOrderFigures(leaf: PurchasesCondition, customerId: string, options: PlanOptions): CompiledSegment {
  return compileInContext((ctx) => sql`SELECT f.order_count, f.sales, f.first_ordered_at, f.last_ordered_at, f.last_shipped_at,
      f.first_order_id, f.last_order_id
    FROM ${orderFigures(leaf, ctx)} AS f WHERE f.customer_id = ${customerId}`, options);
}

/**
 * A product row's lines in the leaf's scope, per product and category: the orders holding such a
 * line and their quantity; with `total` one row over every matching line (the row's figure: an
 * order holding two matching products counts once).
 */
export function compileProductRowFigures(leaf: PurchasesCondition, row: ProductRow, customerId: string, options: PlanOptions, total: boolean): CompiledSegment {
  return compileInContext((ctx) => {
    const lines = sql`FROM purchases p WHERE p.customer_id = ${customerId} AND ${lineInScope(leaf, ctx)} AND ${lineMatchesProducts(ctx, row.products, row.categories, row.remarkContains)}`;
    const figures = sql`count(DISTINCT p.order_id) AS orders, COALESCE(sum(COALESCE(p.quantity, 1)), 0) AS quantity`;
    if (total) return sql`SELECT ${figures} ${lines}`;
    return sql`SELECT p.product_code, COALESCE(p.category, p.product_category) AS category, ${figures} ${lines}
      GROUP BY p.product_code, COALESCE(p.category, p.product_category) ORDER BY orders DESC, quantity DESC, p.product_code`;
  }, options);
}

/** The product codes of one order's lines in the leaf's scope (the first or last order products). */
export function compileOrderProducts(leaf: PurchasesCondition, customerId: string, orderId: string, options: PlanOptions): CompiledSegment {
  return compileInContext((ctx) => sql`SELECT DISTINCT p.product_code FROM purchases p
    WHERE p.customer_id = ${customerId} AND p.order_id = ${orderId} AND ${lineInScope(leaf, ctx)} ORDER BY p.product_code`, options);
}

/** The lines of one order in the leaf's scope, with what lastOrder / firstOrder test (store, media, status, code, remark). */
export function compileOrderLines(leaf: PurchasesCondition, customerId: string, orderId: string, options: PlanOptions): CompiledSegment {
  return compileInContext((ctx) => sql`SELECT p.line_no, p.product_code, p.store_id, p.media, p.status, p.order_code, p.remark FROM purchases p
    WHERE p.customer_id = ${customerId} AND p.order_id = ${orderId} AND ${lineInScope(leaf, ctx)} ORDER BY p.line_no`, options);
}

/**
 * How many mails the leaf selects, and of how many the customer has an event of the leaf's kind
 * inside its window (`any` asks for one, `all` for every selected mail).
 */
export function compileMailTally(leaf: MailCondition, customerId: string, options: PlanOptions): CompiledSegment {
  return compileInContext((ctx) => {
    const selected = selectedMails(leaf, ctx);
    const window = leaf.window ? sql` AND ${isTrue(inDateRange(ctx, sql.ref('e.occurred_at'), leaf.window))}` : sql``;
    return sql`SELECT (SELECT count(*) FROM (${selected}) AS s) AS selected,
      (SELECT count(DISTINCT e.mail_id) FROM mail_events e
        WHERE e.customer_id = ${customerId} AND e.event = ${leaf.event} AND e.mail_id IN (SELECT mail_id FROM (${selected}) AS s2)${window}) AS matched`;
  }, options);
}

/**
 * The customer's events of the selected mails (any kind, latest first, at most `limit`), each
 * with whether it is one the leaf looks for (its event kind, inside its window).
 */
export function compileMailEvents(leaf: MailCondition, customerId: string, limit: number, options: PlanOptions): CompiledSegment {
  return compileInContext((ctx) => {
    const window = leaf.window ? isTrue(inDateRange(ctx, sql.ref('e.occurred_at'), leaf.window)) : sql`true`;
    return sql`SELECT e.mail_id, e.event, e.occurred_at, (e.event = ${leaf.event} AND ${window}) AS counts
      FROM mail_events e WHERE e.customer_id = ${customerId} AND e.mail_id IN (SELECT mail_id FROM (${selectedMails(leaf, ctx)}) AS s)
      ORDER BY e.occurred_at DESC, e.mail_id LIMIT ${sql.lit(limit)}`;
  }, options);
}
