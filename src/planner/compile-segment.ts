import { CompiledQuery, Kysely, sql } from 'kysely';
import type { Sql, SqlDialect } from '../dialect/dialect.js';
import type { LocalDate } from '../model/dates.js';
import type { MailLeaf, SegmentDefinition } from '../model/definition.js';
import { selectedMails } from './compile-mail.js';
import { compileCondition } from './compile-condition.js';
import { emptySchema, PlannerContext, type SchemaInfo } from './context.js';
import { reachable } from './compile-reachable.js';

export interface PlanOptions {
  readonly dialect: SqlDialect;
  readonly asOf: LocalDate;
  readonly lookupSegment: (name: string) => SegmentDefinition | undefined;
  /** the database's attr:/group: columns (default: none) */
  readonly schema?: SchemaInfo;
}

export interface CompiledSegment {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  /** things the run should log (e.g. an empty mail selection) */
  readonly notes: readonly string[];
}

/** The customers of a definition: FROM customers, the joined derived tables and the predicate. */
function fromClause(definition: SegmentDefinition, ctx: PlannerContext): Sql {
  const predicate = definition.where ? compileCondition(definition.where, ctx) : sql`true`;
  const visible = definition.includeDeleted ? sql`true` : sql`NOT COALESCE(c.deleted, false)`;
  const joins = ctx.joins.map((j) => sql` LEFT JOIN (${j.query}) AS ${sql.ref(j.alias)} ON ${sql.ref(`${j.alias}.customer_id`)} = c.customer_id`);
  return sql`FROM customers AS c${sql.join(joins, sql``)} WHERE ${visible} AND ${predicate}`;
}

/** SELECT c.customer_id of the definition's customers (used inside other statements). */
export function membersQuery(definition: SegmentDefinition, ctx: PlannerContext): Sql {
  return sql`SELECT c.customer_id ${fromClause(definition, ctx)}`;
}

function withClause(ctx: PlannerContext): Sql {
  if (ctx.ctes.length === 0) return sql``;
  return sql`WITH ${sql.join(ctx.ctes.map((c) => sql`${sql.ref(c.name)} AS (${c.query})`))} `;
}

function compile(statement: (ctx: PlannerContext) => Sql, options: PlanOptions): CompiledSegment {
  const ctx = PlannerContext.create(options.dialect, options.asOf, options.lookupSegment, options.schema ?? emptySchema);
  const body = statement(ctx);
  const kysely = new Kysely<Record<string, never>>({ dialect: options.dialect.kysely });
  const compiled: CompiledQuery = sql`${withClause(ctx)}${body}`.compile(kysely);
  return { sql: compiled.sql, parameters: compiled.parameters, notes: [...ctx.notes] };
}

/** count, and how many of them are reachable by email, LINE and DM. */
export function compileCount(definition: SegmentDefinition, options: PlanOptions): CompiledSegment {
  return compile((ctx) => {
    const from = fromClause(definition, ctx);
    return sql`SELECT count(*) AS count,
      count(*) FILTER (WHERE ${reachable('email')}) AS email,
      count(*) FILTER (WHERE ${reachable('line')}) AS line,
      count(*) FILTER (WHERE ${reachable('dm')}) AS dm
      ${from}`;
  }, options);
}

/** The customers' ids. */
export function compileMembers(definition: SegmentDefinition, options: PlanOptions): CompiledSegment {
  return compile((ctx) => sql`SELECT c.customer_id ${fromClause(definition, ctx)}`, options);
}

/** The customers' ids with whether each is reachable by email, LINE and DM (exports, job runs). */
export function compileMemberFlags(definition: SegmentDefinition, options: PlanOptions): CompiledSegment {
  return compile((ctx) => sql`SELECT c.customer_id, ${reachable('email')} AS email, ${reachable('line')} AS line,
    ${reachable('dm')} AS dm ${fromClause(definition, ctx)}`, options);
}

/** How many mails a mail condition selects (an empty selection matches no one: worth a log line). */
export function compileMailSelectionCount(leaf: MailLeaf, options: PlanOptions): CompiledSegment {
  return compile((ctx) => sql`SELECT count(*) AS n FROM (${selectedMails(leaf, ctx)})`, options);
}
