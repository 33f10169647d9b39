import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { Condition, Leaf } from '../model/segment.js';
import type { PlannerContext } from './context.js';
import { compileAge, compileBirthday, compileTenure } from './compile-dates.js';
import { compileField } from './compile-field.js';
import { compileMail } from './compile-mail.js';
import { compilePurchases } from './compile-purchases.js';
import { compileReachable } from './compile-reachable.js';
import { compileRfm } from './compile-rfm.js';
import { compileSegmentRef } from './compile-segment-ref.js';
import { compileSubscription } from './compile-subscription.js';
import { compileTags } from './compile-tags.js';

/** One compiler per leaf kind: the switch is exhaustive, so a kind without one does not type-check. */
function compileLeaf(leaf: Leaf, ctx: PlannerContext): Sql<boolean> {
  switch (leaf.kind) {
    case 'field': return compileField(leaf, ctx);
    case 'birthday': return compileBirthday(leaf, ctx);
    case 'age': return compileAge(leaf, ctx);
    case 'tenure': return compileTenure(leaf, ctx);
    case 'tags': return compileTags(leaf, ctx);
    case 'purchases': return compilePurchases(leaf, ctx);
    case 'mail': return compileMail(leaf, ctx);
    case 'reachable': return compileReachable(leaf, ctx);
    case 'segment': return compileSegmentRef(leaf, ctx, compileCondition);
    case 'rfm': return compileRfm(leaf, ctx);
    case 'subscription': return compileSubscription(leaf, ctx);
  }
}

/**
 * A condition as a two-valued SQL predicate over the customer row `c` and the derived tables it
 * joins: never NULL, so NOT is the exact complement.
 */
export function compileCondition(condition: Condition, ctx: PlannerContext): Sql<boolean> {
  switch (condition.kind) {
    case 'all': {
      const parts = condition.conditions.map((c) => compileCondition(c, ctx));
      return parts.length === 0 ? sql`true` : sql`(${sql.join(parts, sql` AND `)})`;
    }
    case 'any': {
      const parts = condition.conditions.map((c) => compileCondition(c, ctx));
      return parts.length === 0 ? sql`false` : sql`(${sql.join(parts, sql` OR `)})`;
    }
    case 'not': return sql`(NOT ${compileCondition(condition.condition, ctx)})`;
    default: return compileLeaf(condition, ctx);
  }
}
