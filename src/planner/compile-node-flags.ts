import { CompiledQuery, Kysely, sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { Condition, Leaf, Segment } from '../model/segment.js';
import { compileCondition } from './compile-condition.js';
import { rfmColumns } from './compile-rfm.js';
import type { CompiledSegment, PlanOptions } from './compile-segment.js';
import { emptySchema, joinedToCustomers, PlannerContext } from './context.js';

/** One node of a definition's `where` tree, in reading order, with its JSON path as written (`where.all[1]`). */
export interface FlaggedNode {
  readonly path: string;
  readonly condition: Condition;
  /** the statement's column holding whether the node holds for the customer */
  readonly column: string;
}

export interface CompiledNodeFlags extends CompiledSegment {
  /**
   * Every node in reading order (parents before their children). The statement returns no row
   * for an unknown customer, else one: the customer's columns (`c.*`), each node's column,
   * `why_in` (a member of the count: visible and the root holds), `why_age` and
   * `why_tenure_days` (full years and days of membership at the as-of date, as age and tenure compare them),
   * and with an rfm leaf the customer's scores (RFM_COLUMNS).
   */
  readonly nodes: readonly FlaggedNode[];
}

export const IN_COLUMN = 'why_in';
export const AGE_COLUMN = 'why_age';
export const TENURE_COLUMN = 'why_tenure_days';
/** the customer's r, f and m scores (NULL without a score), when the definition has an rfm leaf */
export const RFM_COLUMNS = { r: 'why_rfm_r', f: 'why_rfm_f', m: 'why_rfm_m' } as const;

const and = (parts: readonly Sql[]) => (parts.length === 0 ? sql`true` : sql`(${sql.join(parts, sql` AND `)})`);
const or = (parts: readonly Sql[]) => (parts.length === 0 ? sql`false` : sql`(${sql.join(parts, sql` OR `)})`);

/** FROM customers and the derived tables the compiled conditions asked for. */
function joinedCustomers(ctx: PlannerContext): Sql {
  const joins = ctx.joins.map(joinedToCustomers);
  return sql`FROM customers AS c${sql.join(joins, sql``)}`;
}

/** A statement built in a fresh planner context, its WITH clause first. */
export function compileInContext(build: (ctx: PlannerContext) => Sql, options: PlanOptions): CompiledSegment {
  const ctx = PlannerContext.create(options.dialect, options.asOf, options.schema ?? emptySchema);
  const body = build(ctx);
  const withClause = ctx.ctes.length === 0 ? sql`` : sql`WITH ${sql.join(ctx.ctes.map((c) => sql`${sql.ref(c.name)} AS (${c.query})`))} `;
  const compiled: CompiledQuery = sql`${withClause}${body}`.compile(new Kysely<Record<string, never>>({ dialect: options.dialect.kysely }));
  return { sql: compiled.sql, parameters: compiled.parameters, notes: [...ctx.notes] };
}

/**
 * Whether each node of a definition holds for one customer, in one statement: the inner SELECT
 * computes every leaf's predicate (compileCondition, as the count does) on that customer's row
 * and the derived tables, the outer one combines them as the groups do (an empty `all` holds, an
 * empty `any` does not). Deleted customers get their flags too; `why_in` applies the visibility.
 */
export function compileNodeFlags(definition: Segment, customerId: string, options: PlanOptions): CompiledNodeFlags {
  const nodes: FlaggedNode[] = [];
  const statement = compileInContext((ctx) => {
    const leaves: Sql[] = [];
    const outer: Sql[] = [];
    const visit = (condition: Condition, path: string): Sql => {
      const column = `why_n${nodes.length}`;
      nodes.push({ path, condition, column });
      let expression: Sql;
      switch (condition.kind) {
        case 'all': expression = and(condition.conditions.map((child, i) => visit(child, `${path}.all[${i}]`))); break;
        case 'any': expression = or(condition.conditions.map((child, i) => visit(child, `${path}.any[${i}]`))); break;
        case 'not': expression = sql`(NOT ${visit(condition.condition, `${path}.not`)})`; break;
        default: {
          const name = `why_leaf${leaves.length}`;
          leaves.push(sql`${compileCondition(condition as Leaf, ctx)} AS ${sql.ref(name)}`);
          expression = sql.ref(`f.${name}`);
        }
      }
      outer.push(sql`${expression} AS ${sql.ref(column)}`);
      return expression;
    };
    const root = visit(definition.where, 'where');
    const visible = definition.includeDeleted ? sql`true` : sql`NOT COALESCE(f.deleted, false)`;
    const d = ctx.dialect;
    if (nodes.some((n) => n.condition.kind === 'rfm')) {
      // The rfm leaves joined the scores already (same key): reading them costs no second join.
      const scores = rfmColumns(ctx);
      leaves.push(...(['r', 'f', 'm'] as const).map((k) => sql`${scores[k]} AS ${sql.ref(RFM_COLUMNS[k])}`));
    }
    const inner = sql`SELECT c.*, ${sql.join([...leaves,
      sql`${d.fullYears(sql.ref('c.birthday'), ctx.asOfText)} AS ${sql.ref(AGE_COLUMN)}`,
      sql`${d.daysUntil(sql.ref('c.registered_at'), ctx.asOfText)} AS ${sql.ref(TENURE_COLUMN)}`])}
      ${joinedCustomers(ctx)} WHERE c.customer_id = ${customerId}`;
    return sql`SELECT f.*, ${sql.join(outer)}, (${visible} AND ${root}) AS ${sql.ref(IN_COLUMN)} FROM (${inner}) AS f`;
  }, options);
  return { ...statement, nodes };
}

/**
 * Whether one customer is in each of several segments (each with its own `includeDeleted`), in
 * one statement: column `s{i}` for segment i, no row for an unknown customer.
 */
export function compileMemberships(segments: readonly Segment[], customerId: string, options: PlanOptions): CompiledSegment {
  return compileInContext((ctx) => {
    const flags = segments.map((segment, i) => {
      const visible = segment.includeDeleted ? sql`true` : sql`NOT COALESCE(c.deleted, false)`;
      return sql`(${visible} AND ${compileCondition(segment.where, ctx)}) AS ${sql.ref(`s${i}`)}`;
    });
    return sql`SELECT ${sql.join([sql`c.customer_id`, ...flags])} ${joinedCustomers(ctx)} WHERE c.customer_id = ${customerId}`;
  }, options);
}
