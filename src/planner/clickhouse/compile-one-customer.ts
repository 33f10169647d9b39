import { Kysely, sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { Condition, Segment } from '../../model/segment.js';
import type { CompiledSegment } from '../compile-segment.js';
import { compileCondition, visible } from './compile-condition.js';
import { rfmScores } from './compile-rfm.js';
import { contextOf, type ClickHousePlanOptions } from './compile-segment.js';
import type { ClickHouseContext } from './context.js';

/** One node of a definition in reading order (parents first) and the column holding its truth. */
export interface TruthNode {
  readonly path: string;
  readonly condition: Condition;
  readonly column: string;
}

export interface CompiledNodeTruth extends CompiledSegment {
  /** every node, parents before children; the statement returns one row (zeros for an unknown customer: check the id first) with each node's column and `why_in` */
  readonly nodes: readonly TruthNode[];
}

function compiled(options: ClickHousePlanOptions, build: (ctx: ClickHouseContext) => Sql): CompiledSegment {
  const ctx = contextOf(options);
  ctx.guardsNegations = true;
  const query = build(ctx).compile(new Kysely<Record<string, never>>({ dialect: options.dialect.kysely }));
  return { sql: query.sql, parameters: query.parameters, notes: [...ctx.notes] };
}

/**
 * Whether each node of a definition holds for one customer, with the leaves' own predicates (as
 * the count decides): src/planner/compile-node-flags.ts's `compileNodeFlags` for ClickHouse. The
 * leaves are evaluated once each on the customer's shard (an aggregate over their one row), the
 * groups combine them on the server the statement was sent to. Reading a leaf by its alias in
 * the distributed part is what 18.16 cannot do with an rfm leaf (its GLOBAL IN is rewritten per
 * place read, then refused as "different expressions with the same alias"); writing it out per
 * group makes the statement too big ("AST is too big").
 */
export function compileClickHouseNodeTruth(definition: Segment, customerId: string, options: ClickHousePlanOptions): CompiledNodeTruth {
  const nodes: TruthNode[] = [];
  const statement = compiled(options, (ctx) => {
    const leaves = new Map<string, { name: string; predicate: Sql }>();
    const columns: Sql[] = [];
    const visit = (condition: Condition, path: string): Sql => {
      const column = `why_n${nodes.length}`;
      nodes.push({ path, condition, column });
      let expression: Sql;
      switch (condition.kind) {
        case 'all': case 'any': {
          const children = condition.conditions.map((child, i) => visit(child, `${path}.${condition.kind}[${i}]`));
          const empty = condition.kind === 'all' ? ctx.dialect.yes : ctx.dialect.no;
          expression = children.length === 0 ? empty : sql`(${sql.join(children, condition.kind === 'all' ? sql` AND ` : sql` OR `)})`;
          break;
        }
        case 'not': expression = sql`(NOT ${visit(condition.condition, `${path}.not`)})`; break;
        default: {
          const key = JSON.stringify(condition);
          let leaf = leaves.get(key);
          if (!leaf) {
            leaf = { name: `kw_leaf${leaves.size}`, predicate: compileCondition(condition, ctx) };
            leaves.set(key, leaf);
          }
          expression = sql.ref(leaf.name);
        }
      }
      columns.push(sql`${expression} AS ${sql.ref(column)}`);
      return expression;
    };
    const root = visit(definition.where, 'where');
    const flags = [...leaves.values()].map((l) => sql`max(${l.predicate}) AS ${sql.ref(l.name)}`);
    return sql`SELECT ${sql.join(columns)}, (kw_visible AND ${root}) AS why_in
      FROM (SELECT ${sql.join([...flags, sql`max(${visible(definition, ctx)}) AS kw_visible`])} FROM customers AS c WHERE c.customer_id = ${customerId})`;
  });
  return { ...statement, nodes };
}

/** Whether one customer is in each segment (`s{i}`, each with its own visibility); no row for an unknown customer. */
export function compileClickHouseMemberships(segments: readonly Segment[], customerId: string, options: ClickHousePlanOptions): CompiledSegment {
  return compiled(options, (ctx) => {
    const flags = segments.map((segment, i) => sql`(${visible(segment, ctx)} AND ${compileCondition(segment.where, ctx)}) AS ${sql.ref(`s${i}`)}`);
    return sql`SELECT c.customer_id AS customer_id${sql.join(flags.map((f) => sql`, ${f}`), sql``)} FROM customers AS c WHERE c.customer_id = ${customerId}`;
  });
}

/** One customer's r, f and m scores (`r`, `f`, `m`) over the whole shop; no row without a counted order by the as-of date. */
export function compileClickHouseRfmScores(customerId: string, options: ClickHousePlanOptions): CompiledSegment {
  return compiled(options, (ctx) => sql`SELECT kw_r AS r, kw_f AS f, kw_m AS m FROM (${rfmScores(ctx)}) WHERE customer_id = ${customerId}`);
}
