import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { Segment } from '../model/segment.js';
import type { ConditionCompiler, PlannerContext } from './context.js';

/** The customers of a segment: FROM customers, the joined derived tables and the predicate. */
export function fromClause(definition: Segment, ctx: PlannerContext, compileCondition: ConditionCompiler): Sql {
  const predicate = compileCondition(definition.where, ctx, 'where');
  const visible = definition.includeDeleted ? sql`true` : ctx.dialect.isNotTrue(sql.ref('c.deleted'));
  const joins = ctx.joins.map((j) => sql` LEFT JOIN (${j.query}) AS ${sql.ref(j.alias)} ON ${sql.ref(`${j.alias}.customer_id`)} = c.customer_id`);
  return sql`FROM customers AS c${sql.join(joins, sql``)} WHERE ${visible} AND ${predicate}`;
}

/** SELECT c.customer_id of the segment's customers (used inside other statements). */
export function membersQuery(definition: Segment, ctx: PlannerContext, compileCondition: ConditionCompiler): Sql {
  return sql`SELECT c.customer_id ${fromClause(definition, ctx, compileCondition)}`;
}
