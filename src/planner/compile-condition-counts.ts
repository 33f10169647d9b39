import { CompiledQuery, Kysely, sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { Condition, Segment } from '../model/segment.js';
import { compileCondition } from './compile-condition.js';
import { reachable } from './compile-reachable.js';
import type { CompiledSegment, PlanOptions } from './compile-segment.js';
import { emptySchema, PlannerContext } from './context.js';

/**
 * One node of a definition's `where` tree, in document order: its JSON path as written
 * (`where`, `where.all[1]`, `where.all[2].not`), and the columns of the statement that count it.
 */
export interface ConditionNode {
  readonly path: string;
  /** how deep the node sits (`where` is 0) */
  readonly depth: number;
  readonly condition: Condition;
  /** the column counting the customers the node holds for */
  readonly alone: string;
  /** the column counting the customers its `all` group's children up to this one hold for (children of an `all` only) */
  readonly cumulative?: string;
}

export interface CompiledConditionCounts extends CompiledSegment {
  /** every node of the tree in document order; the statement returns one row with `count`, `email`, `line`, `dm` and the nodes' columns */
  readonly nodes: readonly ConditionNode[];
}

const customerRow = sql.ref('f');
const flag = (name: string) => sql.ref(`f.${name}`);
const and = (parts: readonly Sql[]) => (parts.length === 0 ? sql`true` : sql`(${sql.join(parts, sql` AND `)})`);
const or = (parts: readonly Sql[]) => (parts.length === 0 ? sql`false` : sql`(${sql.join(parts, sql` OR `)})`);

function withClause(ctx: PlannerContext): Sql {
  if (ctx.ctes.length === 0) return sql``;
  return sql`WITH ${sql.join(ctx.ctes.map((c) => sql`${sql.ref(c.name)} AS (${c.query})`))} `;
}

/**
 * FROM the customer rows (the customers table, or a query of them named `c`) and the derived
 * tables the compiled conditions asked for (no predicate: every row is kept).
 */
function joinedCustomers(ctx: PlannerContext, customers: Sql = sql`customers`): Sql {
  const joins = ctx.joins.map((j) => sql` LEFT JOIN (${j.query}) AS ${sql.ref(j.alias)} ON ${sql.ref(`${j.alias}.customer_id`)} = c.customer_id`);
  return sql`FROM ${customers} AS c${sql.join(joins, sql``)}`;
}

/**
 * A leaf compiled in `ctx`, and whether it joined a derived table. One that did not reads only the
 * customer row (and subqueries of its own), so it can be evaluated before the joins: every joined
 * figure is reached through `ctx.join`, which this view of the context watches (joins stay shared by key).
 */
function compileLeaf(leaf: Condition, ctx: PlannerContext): { readonly predicate: Sql; readonly joined: boolean } {
  let joined = false;
  const watching = new Proxy(ctx, {
    get(target, key) {
      if (key === 'join') return (joinKey: string, build: () => Sql) => ((joined = true), target.join(joinKey, build));
      return Reflect.get(target, key, target);
    },
  });
  return { predicate: compileCondition(leaf, watching), joined };
}

function compileStatement(build: (ctx: PlannerContext) => Sql, options: PlanOptions): { sql: string; parameters: readonly unknown[]; notes: string[] } {
  const ctx = PlannerContext.create(options.dialect, options.asOf, options.schema ?? emptySchema);
  const body = build(ctx);
  const kysely = new Kysely<Record<string, never>>({ dialect: options.dialect.kysely });
  const compiled: CompiledQuery = sql`${withClause(ctx)}${body}`.compile(kysely);
  return { sql: compiled.sql, parameters: compiled.parameters, notes: [...ctx.notes] };
}

/**
 * How many customers each node of a definition holds for alone, and, for the children of every
 * `all`, as they are applied in order (a funnel), all in one statement: an inner SELECT computes
 * one two-valued flag per leaf for every customer of the definition's base (deleted customers out
 * unless `includeDeleted`), the outer one counts each node's combination of those flags. So the
 * derived tables are joined once, as for the count, however many nodes the tree has.
 */
export function compileConditionCounts(definition: Segment, options: PlanOptions): CompiledConditionCounts {
  const nodes: ConditionNode[] = [];
  const statement = compileStatement((ctx) => {
    const leaves: Array<{ name: string; predicate: Sql; joined: boolean }> = [];
    const aggregates: Sql[] = [];
    const count = (name: string, predicate: Sql) => aggregates.push(sql`${ctx.dialect.countWhere(predicate)} AS ${sql.ref(name)}`);
    // Returns the node's flag over the inner row; registers its counts on the way down.
    const visit = (condition: Condition, path: string, depth: number, cumulative?: string): Sql => {
      const index = nodes.length;
      const alone = `n${index}`;
      nodes.push({ path, depth, condition, alone, ...(cumulative !== undefined ? { cumulative } : {}) });
      let expression: Sql;
      switch (condition.kind) {
        case 'all': {
          const children: Sql[] = [];
          condition.conditions.forEach((child, i) => {
            const funnel = `n${nodes.length}_cumulative`;
            children.push(visit(child, `${path}.all[${i}]`, depth + 1, funnel));
            count(funnel, and(children));
          });
          expression = and(children);
          break;
        }
        case 'any':
          expression = or(condition.conditions.map((child, i) => visit(child, `${path}.any[${i}]`, depth + 1)));
          break;
        case 'not':
          expression = sql`(NOT ${visit(condition.condition, `${path}.not`, depth + 1)})`;
          break;
        default: {
          const name = `leaf${leaves.length}`;
          leaves.push({ name, ...compileLeaf(condition, ctx) });
          expression = flag(name);
        }
      }
      count(alone, expression);
      return expression;
    };
    const root = visit(definition.where, 'where', 0);
    const d = ctx.dialect;
    const visible = definition.includeDeleted ? sql`true` : sql`NOT COALESCE(c.deleted, false)`;
    // The customer row's own flags first, so that the joins carry booleans instead of the text
    // columns they are computed from (the count filters before it joins; this statement cannot).
    const own = [
      ...leaves.filter((l) => !l.joined).map((l) => sql`${l.predicate} AS ${sql.ref(l.name)}`),
      ...(['email', 'line', 'dm'] as const).map((channel) => sql`${reachable(channel, d)} AS ${sql.ref(`reach_${channel}`)}`),
    ];
    const rows = sql`(SELECT c.*, ${sql.join(own)} FROM customers AS c WHERE ${visible})`;
    const columns = [
      ...leaves.map((l) => (l.joined ? sql`${l.predicate} AS ${sql.ref(l.name)}` : sql.ref(`c.${l.name}`))),
      ...(['email', 'line', 'dm'] as const).map((channel) => sql.ref(`c.reach_${channel}`)),
    ];
    const base = sql`SELECT ${sql.join(columns)} ${joinedCustomers(ctx, rows)}`;
    return sql`SELECT ${d.countWhere(root)} AS count,
      ${d.countWhere(and([root, flag('reach_email')]))} AS email,
      ${d.countWhere(and([root, flag('reach_line')]))} AS line,
      ${d.countWhere(and([root, flag('reach_dm')]))} AS dm,
      ${sql.join(aggregates)}
      FROM (${base}) AS ${customerRow}`;
  }, options);
  return { ...statement, nodes };
}

/**
 * How many customers each pair of segments holds in common, in one statement: one flag per
 * segment per customer (each segment's own `includeDeleted`), then one filtered count per pair.
 * Column `p{i}_{j}` (i <= j) is the intersection of segments i and j; `p{i}_{i}` is segment i's count.
 */
export function compileOverlap(segments: readonly Segment[], options: PlanOptions): CompiledSegment {
  return compileStatement((ctx) => {
    const flags = segments.map((segment, i) => {
      const visible = segment.includeDeleted ? sql`true` : sql`NOT COALESCE(c.deleted, false)`;
      return sql`(${visible} AND ${compileCondition(segment.where, ctx)}) AS ${sql.ref(`s${i}`)}`;
    });
    if (flags.length === 0) return sql`SELECT 0 AS none`;
    const pairs: Sql[] = [];
    segments.forEach((_, i) => {
      for (let j = i; j < segments.length; j++) pairs.push(sql`${ctx.dialect.countWhere(and([flag(`s${i}`), flag(`s${j}`)]))} AS ${sql.ref(`p${i}_${j}`)}`);
    });
    return sql`SELECT ${sql.join(pairs)} FROM (SELECT ${sql.join(flags)} ${joinedCustomers(ctx)}) AS ${customerRow}`;
  }, options);
}
