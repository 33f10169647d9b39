import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { PlannerContext } from './context.js';
import { inDateRange, isTrue } from './ranges.js';
import { countedLine } from './sales-basis.js';

/** Ordered on or before the as-of date (its whole day), as a condition on a time column. */
export const byAsOf = (ctx: PlannerContext, time: Sql): Sql<boolean> => isTrue(inDateRange(ctx, time, { to: 'today' }));

/** A counted line (counted not false, a sales status: `countedLine`) of `purchases p` ordered by the as-of date. */
export const countedLineByAsOf = (ctx: PlannerContext): Sql<boolean> =>
  sql`(${countedLine(ctx)} AND ${byAsOf(ctx, sql.ref('p.ordered_at'))})`;

/** Order figures from the lines (only those of the customers `restrict` keeps, when given). */
function fromLines(ctx: PlannerContext, restrict?: Sql<boolean>): Sql {
  const order = [sql.ref('ts'), sql.ref('order_id')];
  return sql`SELECT customer_id, count(*) AS order_count, COALESCE(sum(sales), 0) AS sales, max(ts) AS last_ordered_at,
      ${ctx.dialect.argMax(sql.ref('order_id'), order)} AS last_order_id
    FROM (SELECT p.customer_id, p.order_id, min(p.ordered_at) AS ts, sum(p.amount) AS sales
          FROM purchases p WHERE ${countedLineByAsOf(ctx)}${restrict ? sql` AND ${restrict}` : sql``} GROUP BY p.customer_id, p.order_id)
    GROUP BY customer_id`;
}

/**
 * Per customer with a counted order by the as-of date: order count, sales, last order time and
 * id, over the counted lines ordered by the end of the as-of day (the rules of the purchases
 * figures: an order's time is its earliest line's, ties go to the larger order_id). A WITH
 * subquery, once per statement.
 *
 * When the lifetime summaries are built, a customer whose latest counted line is by the as-of
 * date reads its customer_summary row (the same figures: no line is cut off); only the others,
 * few when the as-of date is today, are aggregated from their lines.
 */
export function ordersAsOf(ctx: PlannerContext): string {
  return ctx.cte('orders-as-of', () => {
    if (!ctx.schema.purchaseSummaries) return fromLines(ctx);
    const whole = byAsOf(ctx, sql.ref('s.last_line_at'));
    return sql`SELECT s.customer_id, s.order_count, s.sales, s.last_ordered_at, s.last_order_id FROM customer_summary s WHERE ${whole}
      UNION ALL ${fromLines(ctx, sql`p.customer_id IN (SELECT s.customer_id FROM customer_summary s WHERE NOT ${whole})`)}`;
  });
}
