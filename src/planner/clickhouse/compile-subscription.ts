import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { SubscriptionCondition } from '../../model/segment.js';
import { foldText } from '../compile-field.js';
import type { ClickHouseContext } from './context.js';
import { customersWhere } from './customer-sets.js';
import { foldedColumn } from './folded.js';
import { inDateRange, inNumberRange, rangeHoldsForZero } from './ranges.js';

/** A subscription row `s` passes every filter of the leaf (a filter on a missing value fails). */
function subscriptionFilters(leaf: SubscriptionCondition, ctx: ClickHouseContext): Sql<boolean> {
  const d = ctx.dialect;
  const tests: Sql<boolean>[] = [];
  if (leaf.status) tests.push(d.isTrue(d.inList(sql.ref('s.status'), leaf.status)));
  if (leaf.products) tests.push(d.isTrue(d.inList(sql.ref('s.product_code'), leaf.products)));
  if (leaf.deliveries) tests.push(d.isTrue(inNumberRange(ctx, sql.ref('s.deliveries'), leaf.deliveries)));
  if (leaf.startedAt) tests.push(d.isTrue(inDateRange(ctx, sql.ref('s.started_at'), leaf.startedAt)));
  if (leaf.nextDeliveryAt) tests.push(d.isTrue(inDateRange(ctx, sql.ref('s.next_delivery_at'), leaf.nextDeliveryAt)));
  if (leaf.cancelledAt) tests.push(d.isTrue(inDateRange(ctx, sql.ref('s.cancelled_at'), leaf.cancelledAt)));
  if (leaf.cancelReasons) tests.push(d.isTrue(d.inList(foldedColumn(ctx, 's', 'cancel_reason'), leaf.cancelReasons.map(foldText))));
  return tests.length === 0 ? d.yes : sql`(${sql.join(tests, sql` AND `)})`;
}

/**
 * A `subscription` condition: the number of the customer's subscriptions passing the filters is
 * in `count`; a customer without one has 0 (`{"max": 0}` is NOT IN the customers with some).
 */
export function compileSubscription(leaf: SubscriptionCondition, ctx: ClickHouseContext): Sql<boolean> {
  const { count } = leaf;
  if (ctx.schema.missing?.has('subscriptions')) return rangeHoldsForZero(count) ? ctx.dialect.yes : ctx.dialect.no;
  const rows = sql`SELECT s.customer_id AS customer_id FROM ${ctx.local('subscriptions')} AS s WHERE ${subscriptionFilters(leaf, ctx)}`;
  return customersWhere(rows, inNumberRange(ctx, sql`count()`, count), rangeHoldsForZero(count));
}
