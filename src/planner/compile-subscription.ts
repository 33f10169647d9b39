import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { SubscriptionCondition } from '../model/segment.js';
import type { PlannerContext } from './context.js';
import { foldText } from './compile-field.js';
import { inDateRange, inNumberRange, isTrue } from './ranges.js';

/** A subscription row `s` passes every filter of the leaf (a filter on a missing value fails). */
export function subscriptionFilters(leaf: SubscriptionCondition, ctx: PlannerContext): Sql<boolean> {
  const d = ctx.dialect;
  const tests: Sql<boolean>[] = [];
  if (leaf.status) tests.push(isTrue(d.inList(sql.ref('s.status'), leaf.status)));
  if (leaf.products) tests.push(isTrue(d.inList(sql.ref('s.product_code'), leaf.products)));
  if (leaf.deliveries) tests.push(isTrue(inNumberRange(sql.ref('s.deliveries'), leaf.deliveries)));
  if (leaf.startedAt) tests.push(isTrue(inDateRange(ctx, sql.ref('s.started_at'), leaf.startedAt)));
  if (leaf.nextDeliveryAt) tests.push(isTrue(inDateRange(ctx, sql.ref('s.next_delivery_at'), leaf.nextDeliveryAt)));
  if (leaf.cancelledAt) tests.push(isTrue(inDateRange(ctx, sql.ref('s.cancelled_at'), leaf.cancelledAt)));
  if (leaf.cancelReasons) tests.push(isTrue(d.inList(d.fold(sql.ref('s.cancel_reason')), leaf.cancelReasons.map(foldText))));
  return tests.length === 0 ? sql`true` : sql`(${sql.join(tests, sql` AND `)})`;
}

/**
 * A `subscription` condition: the customer's subscriptions passing the filters, counted per
 * customer and LEFT JOINed, so a customer without one has 0 and `{"min": 0, "max": 0}` selects
 * those without any.
 */
export function compileSubscription(leaf: SubscriptionCondition, ctx: PlannerContext): Sql<boolean> {
  const { count, ...filters } = leaf;
  // A database made before subscriptions, opened read-only: every customer has none.
  if (ctx.schema.missing?.has('subscriptions')) return isTrue(inNumberRange(sql`0`, count));
  const alias = ctx.join(`subscriptions:${JSON.stringify(filters)}`, () =>
    sql`SELECT s.customer_id, count(*) AS subscriptions FROM subscriptions s WHERE ${subscriptionFilters(leaf, ctx)} GROUP BY s.customer_id`);
  return isTrue(inNumberRange(sql`COALESCE(${ctx.column(alias, 'subscriptions')}, 0)`, count));
}

