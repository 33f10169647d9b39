import { CompiledQuery, Kysely, sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { Condition, Leaf } from '../model/segment.js';
import { compileCondition } from './compile-condition.js';
import type { CompiledSegment, PlanOptions } from './compile-segment.js';
import { emptySchema, joinedToCustomers, PlannerContext } from './context.js';

export const and = (parts: readonly Sql[]): Sql<boolean> => (parts.length === 0 ? sql`true` : sql`(${sql.join(parts, sql` AND `)})`);
export const or = (parts: readonly Sql[]): Sql<boolean> => (parts.length === 0 ? sql`false` : sql`(${sql.join(parts, sql` OR `)})`);

/**
 * How many rows a two-valued condition holds for, as plain SQL. Not `dialect.countWhere`: a
 * statement of these has one per node of a tree (or pair of segments), and DuckDB pays for each
 * filtered aggregate on its own (1,000 of them take seconds over a few hundred rows, the sums
 * milliseconds); a few cost the same either way.
 */
export const countHolding = (condition: Sql): Sql<number> => sql`COALESCE(sum(CASE WHEN ${condition} THEN 1 ELSE 0 END), 0)`;

/** A statement built in a fresh planner context, its WITH clause first. */
export function compileStatement(build: (ctx: PlannerContext) => Sql, options: PlanOptions): CompiledSegment {
  const ctx = PlannerContext.create(options.dialect, options.asOf, options.schema ?? emptySchema);
  const body = build(ctx);
  const withClause = ctx.ctes.length === 0 ? sql`` : sql`WITH ${sql.join(ctx.ctes.map((c) => sql`${sql.ref(c.name)} AS (${c.query})`))} `;
  const compiled: CompiledQuery = sql`${withClause}${body}`.compile(new Kysely<Record<string, never>>({ dialect: options.dialect.kysely }));
  return { sql: compiled.sql, parameters: compiled.parameters, notes: [...ctx.notes] };
}

/**
 * A leaf compiled in `ctx`, and whether it joined a derived table. One that did not reads only the
 * customer row (and subqueries of its own), so it can be evaluated before the joins: every joined
 * figure is reached through `ctx.join`, which counts its requests (joins stay shared by key).
 */
function compileLeaf(leaf: Leaf, ctx: PlannerContext): { readonly predicate: Sql<boolean>; readonly joined: boolean } {
  const before = ctx.joinRequests;
  const predicate = compileCondition(leaf, ctx);
  return { predicate, joined: ctx.joinRequests > before };
}

/**
 * One two-valued flag per leaf per customer, for statements that count many combinations of
 * conditions in one pass (per-condition counts, overlaps): `leaf` and `condition` return
 * expressions over the flag row `f`, `from` the FROM clause that makes one such row per customer.
 * The customer row's own flags (and `rowColumn`s) are computed before the joins, so that the joins
 * carry booleans instead of the text columns they are computed from: a count filters before it
 * joins, these statements cannot.
 */
export class LeafFlags {
  private readonly leaves = new Map<string, { readonly name: string; readonly predicate: Sql; readonly joined: boolean }>();
  private readonly rowColumns: Array<{ readonly name: string; readonly expression: Sql }> = [];
  private readonly flagColumns: Array<{ readonly name: string; readonly expression: Sql }> = [];

  constructor(private readonly ctx: PlannerContext) {}

  /** A leaf's flag (a leaf written twice is compiled once). */
  leaf(leaf: Leaf): Sql<boolean> {
    const key = JSON.stringify(leaf);
    let known = this.leaves.get(key);
    if (!known) {
      known = { name: `kw_leaf${this.leaves.size}`, ...compileLeaf(leaf, this.ctx) };
      this.leaves.set(key, known);
    }
    return sql.ref(`f.${known.name}`);
  }

  /** A condition over the flags: groups combine their children's flags as the planner's predicates do. */
  condition(condition: Condition): Sql<boolean> {
    switch (condition.kind) {
      case 'all': return and(condition.conditions.map((c) => this.condition(c)));
      case 'any': return or(condition.conditions.map((c) => this.condition(c)));
      case 'not': return sql`(NOT ${this.condition(condition.condition)})`;
      default: return this.leaf(condition);
    }
  }

  /** A column of the customer row (over `c`), computed before the joins; returned as a column of `f`. */
  rowColumn(name: string, expression: Sql): Sql {
    this.rowColumns.push({ name: `kw_${name}`, expression });
    return sql.ref(`f.kw_${name}`);
  }

  /**
   * A column computed from the flags (over `f`), once per customer: an expression that many counts
   * share is then written once, not once per count. Returned as a column of `f`.
   */
  flagColumn(name: string, expression: Sql): Sql {
    this.flagColumns.push({ name: `kw_${name}`, expression });
    return sql.ref(`f.kw_${name}`);
  }

  /** FROM one row of flags per customer for whom `where` (over `c`, the customers table) holds, as `f`. */
  from(where: Sql): Sql {
    const leaves = [...this.leaves.values()];
    const own = [
      ...leaves.filter((l) => !l.joined).map((l) => sql`${l.predicate} AS ${sql.ref(l.name)}`),
      ...this.rowColumns.map((c) => sql`${c.expression} AS ${sql.ref(c.name)}`),
    ];
    // c.*: the joined leaves may read any column of the row; the engine drops those no one reads.
    const rows = sql`(SELECT c.*${sql.join(own.map((column) => sql`, ${column}`), sql``)} FROM customers AS c WHERE ${where})`;
    const joins = this.ctx.joins.map(joinedToCustomers);
    const columns = [
      ...leaves.map((l) => (l.joined ? sql`${l.predicate} AS ${sql.ref(l.name)}` : sql.ref(`c.${l.name}`))),
      ...this.rowColumns.map((c) => sql.ref(`c.${c.name}`)),
    ];
    // A select list may not be empty: a definition without leaves still has one row per customer.
    const flagRows = sql`(SELECT c.customer_id${sql.join(columns.map((column) => sql`, ${column}`), sql``)} FROM ${rows} AS c${sql.join(joins, sql``)})`;
    if (this.flagColumns.length === 0) return sql`FROM ${flagRows} AS f`;
    return sql`FROM (SELECT f.*, ${sql.join(this.flagColumns.map((c) => sql`${c.expression} AS ${sql.ref(c.name)}`))} FROM ${flagRows} AS f) AS f`;
  }
}
