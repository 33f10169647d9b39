import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { Condition, Leaf, Segment } from '../../model/segment.js';
import type { ClickHouseContext } from './context.js';
import { compileRfm } from './compile-rfm.js';
import { compileAge, compileBirthday, compileTenure } from './compile-dates.js';
import { compileField } from './compile-field.js';
import { compileMail } from './compile-mail.js';
import { compilePurchases } from './compile-purchases.js';
import { compileReachable } from './compile-reachable.js';
import { compileSubscription } from './compile-subscription.js';
import { compileTags } from './compile-tags.js';

/** One compiler per leaf kind: the switch is exhaustive, so a kind without one does not type-check. */
function compileLeaf(leaf: Leaf, ctx: ClickHouseContext): Sql<boolean> {
  switch (leaf.kind) {
    case 'field': return compileField(leaf, ctx);
    case 'birthday': return compileBirthday(leaf, ctx);
    case 'age': return compileAge(leaf, ctx);
    case 'tenure': return compileTenure(leaf, ctx);
    case 'tags': return compileTags(leaf, ctx);
    case 'purchases': return compilePurchases(leaf, ctx);
    case 'mail': return compileMail(leaf, ctx);
    case 'reachable': return compileReachable(leaf, ctx);
    case 'subscription': return compileSubscription(leaf, ctx);
    // A saved segment is its own visibility and predicate on the same customer row.
    case 'segment': return sql`(${visible(leaf.definition, ctx)} AND ${compileCondition(leaf.definition.where, ctx)})`;
    case 'rfm': return compileRfm(leaf, ctx);
  }
}

/** Customers the segment may hold: not deleted, unless it includes deleted customers. */
export function visible(definition: Segment, ctx: ClickHouseContext): Sql<boolean> {
  return definition.includeDeleted ? ctx.dialect.yes : sql`NOT ifNull(c.deleted, 0)`;
}

/**
 * A condition as a two-valued predicate on the customer row `c` (leaves on other tables are
 * `customer_id IN` shard-local subqueries): never NULL, so NOT is the exact complement.
 */
export function compileCondition(condition: Condition, ctx: ClickHouseContext): Sql<boolean> {
  switch (condition.kind) {
    case 'all': {
      const parts = condition.conditions.map((c) => compileCondition(c, ctx));
      return parts.length === 0 ? ctx.dialect.yes : sql`(${sql.join(parts, sql` AND `)})`;
    }
    case 'any': {
      const parts = condition.conditions.map((c) => compileCondition(c, ctx));
      return parts.length === 0 ? ctx.dialect.no : sql`(${sql.join(parts, sql` OR `)})`;
    }
    case 'not': return ctx.not(compileCondition(condition.condition, ctx));
    default: return compileLeaf(condition, ctx);
  }
}
