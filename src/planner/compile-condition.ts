import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { Condition, Leaf } from '../model/definition.js';
import type { ConditionCompiler, PlannerContext } from './context.js';
import { compileAge, compileBirthday, compileTenure } from './compile-dates.js';
import { compileField } from './compile-field.js';
import { compileMail } from './compile-mail.js';
import { compilePurchases } from './compile-purchases.js';
import { compileReachable } from './compile-reachable.js';
import { compileSegmentRef } from './compile-segment-ref.js';
import { compileTags } from './compile-tags.js';

type Compiler<K extends Leaf['kind']> = (leaf: Extract<Leaf, { kind: K }>, ctx: PlannerContext, compileCondition: ConditionCompiler) => Sql<boolean>;

/** One compiler per leaf kind: a kind without one does not type-check. */
const compilers: { [K in Leaf['kind']]: Compiler<K> } = {
  field: compileField,
  birthday: compileBirthday,
  age: compileAge,
  tenure: compileTenure,
  tags: compileTags,
  purchases: compilePurchases,
  mail: compileMail,
  reachable: compileReachable,
  segment: compileSegmentRef,
};

/**
 * A condition as a two-valued SQL predicate over the customer row `c` and the derived tables it
 * joins: never NULL, so NOT is the exact complement.
 */
export function compileCondition(condition: Condition, ctx: PlannerContext): Sql<boolean> {
  if ('all' in condition) {
    const parts = condition.all.map((c) => compileCondition(c, ctx));
    return parts.length === 0 ? sql`true` : sql`(${sql.join(parts, sql` AND `)})`;
  }
  if ('any' in condition) {
    const parts = condition.any.map((c) => compileCondition(c, ctx));
    return parts.length === 0 ? sql`false` : sql`(${sql.join(parts, sql` OR `)})`;
  }
  if ('not' in condition) return sql`(NOT ${compileCondition(condition.not, ctx)})`;
  const compile = compilers[condition.kind] as Compiler<typeof condition.kind>;
  return compile(condition as never, ctx, compileCondition);
}
