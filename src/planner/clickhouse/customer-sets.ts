import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';

/**
 * A leaf on a customer's rows (lines, events, subscriptions) as a set of customer ids: `rows` is
 * a query over a shard-local table grouped by `customer_id`, `holds` the leaf's test on one
 * group's aggregates (two-valued), `holdsForNone` what the leaf says of a customer without any
 * row (decided in JavaScript: count 0, sales 0, no dates).
 *
 * When it is false the customers are `IN` the groups that pass; when it is true (`{"max": 0}`,
 * a count range holding 0) they are `NOT IN` the groups that fail, so a customer without rows is
 * in without a join. `customer_id` is never NULL on either side, so both forms are two-valued
 * and `NOT` of either is its exact complement.
 */
export function customersWhere(rows: Sql, holds: Sql<boolean>, holdsForNone: boolean): Sql<boolean> {
  return holdsForNone
    ? sql`(c.customer_id NOT IN (SELECT customer_id FROM (${rows}) GROUP BY customer_id HAVING NOT ${holds}))`
    : sql`(c.customer_id IN (SELECT customer_id FROM (${rows}) GROUP BY customer_id HAVING ${holds}))`;
}

/** Customers with at least one of the rows (`some`), or none of them (`none`). */
export function customersWithRows(rows: Sql, some: boolean): Sql<boolean> {
  return some ? sql`(c.customer_id IN (SELECT customer_id FROM (${rows})))` : sql`(c.customer_id NOT IN (SELECT customer_id FROM (${rows})))`;
}
