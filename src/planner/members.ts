import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { SegmentDefinition } from '../model/definition.js';
import type { ConditionCompiler, PlannerContext } from './context.js';

/** The customers of a definition: FROM customers, the joined derived tables and the predicate. */
export function fromClause(definition: SegmentDefinition, ctx: PlannerContext, compileCondition: ConditionCompiler): Sql {
  const predicate = definition.where ? compileCondition(definition.where, ctx) : sql`true`;
  const visible = definition.includeDeleted ? sql`true` : sql`NOT COALESCE(c.deleted, false)`;
  const joins = ctx.joins.map((j) => sql` LEFT JOIN (${j.query}) AS ${sql.ref(j.alias)} ON ${sql.ref(`${j.alias}.customer_id`)} = c.customer_id`);
  return sql`FROM customers AS c${sql.join(joins, sql``)} WHERE ${visible} AND ${predicate}`;
}

/** SELECT c.customer_id of the definition's customers (used inside other statements). */
export function membersQuery(definition: SegmentDefinition, ctx: PlannerContext, compileCondition: ConditionCompiler): Sql {
  return sql`SELECT c.customer_id ${fromClause(definition, ctx, compileCondition)}`;
}
