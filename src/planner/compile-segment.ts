import { CompiledQuery, Kysely, sql } from 'kysely';
import type { Sql, SqlDialect } from '../dialect/dialect.js';
import type { LocalDate } from '../model/dates.js';
import type { MailCondition, Segment } from '../model/segment.js';
import { selectedMails } from './compile-mail.js';
import { compileCondition } from './compile-condition.js';
import { emptySchema, PlannerContext, type SchemaInfo } from './context.js';
import { reachable } from './compile-reachable.js';
import { fromClause } from './members.js';

export interface PlanOptions {
  readonly dialect: SqlDialect;
  readonly asOf: LocalDate;
  /** the database's attr:/group: columns (default: none) */
  readonly schema?: SchemaInfo;
}

export interface CompiledSegment {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  /** things the run should log (e.g. an empty mail selection) */
  readonly notes: readonly string[];
}

function withClause(ctx: PlannerContext): Sql {
  if (ctx.ctes.length === 0) return sql``;
  return sql`WITH ${sql.join(ctx.ctes.map((c) => sql`${sql.ref(c.name)} AS (${c.query})`))} `;
}

function compile(statement: (ctx: PlannerContext) => Sql, options: PlanOptions): CompiledSegment {
  const ctx = PlannerContext.create(options.dialect, options.asOf, options.schema ?? emptySchema);
  const body = statement(ctx);
  const kysely = new Kysely<Record<string, never>>({ dialect: options.dialect.kysely });
  const compiled: CompiledQuery = sql`${withClause(ctx)}${body}`.compile(kysely);
  return { sql: compiled.sql, parameters: compiled.parameters, notes: [...ctx.notes] };
}

/** count, and how many of them are reachable by email, LINE and DM. */
export function compileCount(definition: Segment, options: PlanOptions): CompiledSegment {
  return compile((ctx) => {
    const from = fromClause(definition, ctx, compileCondition);
    const d = ctx.dialect;
    return sql`SELECT count(*) AS count,
      ${d.countWhere(reachable('email', d, ctx.schema))} AS email,
      ${d.countWhere(reachable('line', d, ctx.schema))} AS line,
      ${d.countWhere(reachable('dm', d, ctx.schema))} AS dm
      ${from}`;
  }, options);
}

/** The customers' ids. */
export function compileMembers(definition: Segment, options: PlanOptions): CompiledSegment {
  return compile((ctx) => sql`SELECT c.customer_id ${fromClause(definition, ctx, compileCondition)}`, options);
}

/**
 * The customers' positions in the customers table (the dialect's row index), for customer sets:
 * one bit per position, no join back to customer ids.
 */
export function compileMemberIndexes(definition: Segment, options: PlanOptions): CompiledSegment {
  return compile((ctx) => sql`SELECT ${ctx.dialect.rowIndex(sql.ref('c'))} AS idx ${fromClause(definition, ctx, compileCondition)}`, options);
}

/** The customers' ids with whether each is reachable by email, LINE and DM (exports, job runs). */
export function compileMemberFlags(definition: Segment, options: PlanOptions): CompiledSegment {
  return compile((ctx) => sql`SELECT c.customer_id, ${reachable('email', ctx.dialect, ctx.schema)} AS email, ${reachable('line', ctx.dialect, ctx.schema)} AS line,
    ${reachable('dm', ctx.dialect, ctx.schema)} AS dm ${fromClause(definition, ctx, compileCondition)}`, options);
}

/** How many mails a mail condition selects (an empty selection matches no one: worth a log line). */
export function compileMailSelectionCount(leaf: MailCondition, options: PlanOptions): CompiledSegment {
  return compile((ctx) => sql`SELECT count(*) AS n FROM (${selectedMails(leaf, ctx)})`, options);
}
