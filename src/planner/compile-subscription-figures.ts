import { sql } from 'kysely';
import type { SubscriptionCondition } from '../model/segment.js';
import { compileInContext } from './compile-node-flags.js';
import type { CompiledSegment, PlanOptions } from './compile-segment.js';
import { subscriptionFilters } from './compile-subscription.js';

/** The customer's subscriptions passing the leaf's filters (`kumiwake why`), by id. */
export function compileSubscriptionFigures(leaf: SubscriptionCondition, customerId: string, options: PlanOptions): CompiledSegment {
  return compileInContext((ctx) => (ctx.schema.missing?.has('subscriptions')
    ? sql`SELECT ${ctx.dialect.nullText()} AS subscription_id WHERE false` // a database made before subscriptions
    : sql`SELECT s.subscription_id FROM subscriptions s
    WHERE s.customer_id = ${customerId} AND ${subscriptionFilters(leaf, ctx)} ORDER BY s.subscription_id`), options);
}
