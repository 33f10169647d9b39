import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { SegmentLeaf } from '../model/definition.js';
import type { ConditionCompiler, PlannerContext } from './context.js';
import { membersQuery } from './members.js';

/**
 * Membership of another saved segment, at the same as-of date. The other segment is compiled
 * once per statement into a WITH subquery, however often it is referenced.
 */
export function compileSegmentRef(leaf: SegmentLeaf, ctx: PlannerContext, compileCondition: ConditionCompiler): Sql<boolean> {
  const saved = ctx.lookupSegment(leaf.name);
  if (!saved) throw new Error(`INTERNAL ERROR: saved segment ${leaf.name} passed validation but is missing`);
  const members = ctx.cte(`segment:${leaf.name}`, () => membersQuery(saved, ctx.child(), compileCondition));
  const alias = ctx.join(`segment:${leaf.name}`, () => sql`SELECT DISTINCT customer_id FROM ${sql.table(members)}`);
  return sql`(${ctx.column(alias, 'customer_id')} IS NOT NULL)`;
}
