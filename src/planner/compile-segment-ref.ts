import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { SegmentCondition } from '../model/segment.js';
import type { ConditionCompiler, PlannerContext } from './context.js';
import { membersQuery } from './members.js';

/**
 * Membership of another saved segment (parsed with the definition that names it), at the same
 * as-of date. It is compiled once per statement into a WITH subquery, however often it is referenced.
 */
export function compileSegmentRef(leaf: SegmentCondition, ctx: PlannerContext, compileCondition: ConditionCompiler): Sql<boolean> {
  const members = ctx.cte(`segment:${leaf.name}`, () => membersQuery(leaf.definition, ctx.child(), compileCondition));
  const alias = ctx.join(`segment:${leaf.name}`, () => sql`SELECT DISTINCT customer_id FROM ${sql.table(members)}`);
  return sql`(${ctx.column(alias, 'customer_id')} IS NOT NULL)`;
}
