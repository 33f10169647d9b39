import { Kysely, sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { Condition, Segment } from '../../model/segment.js';
import type { CompiledSegment } from '../compile-segment.js';
import { emptySchema } from '../context.js';
import { compileCondition, visible } from './compile-condition.js';
import { rfmScores } from './compile-rfm.js';
import type { ClickHousePlanOptions } from './compile-segment.js';
import { ClickHouseContext } from './context.js';

/** One node of a definition in reading order (parents first) and the column holding its truth. */
export interface TruthNode {
  readonly path: string;
  readonly condition: Condition;
  readonly column: string;
}

export interface CompiledNodeTruth extends CompiledSegment {
  /** every node, parents before children; the statement returns no row for an unknown customer, else one with each node's column and `why_in` */
  readonly nodes: readonly TruthNode[];
}

function compiled(options: ClickHousePlanOptions, build: (ctx: ClickHouseContext) => Sql): CompiledSegment {
  const ctx = new ClickHouseContext(options.dialect, options.asOf, options.schema ?? emptySchema, options.localTable, options.wholeTable);
  const query = build(ctx).compile(new Kysely<Record<string, never>>({ dialect: options.dialect.kysely }));
  return { sql: query.sql, parameters: query.parameters, notes: [...ctx.notes] };
}

/**
 * Whether each node of a definition holds for one customer, with the leaves' own predicates (as
 * the count decides): src/planner/compile-node-flags.ts's `compileNodeFlags` for ClickHouse. A
 * group reads its children's columns by name (ClickHouse aliases are visible across the SELECT).
 */
export function compileClickHouseNodeTruth(definition: Segment, customerId: string, options: ClickHousePlanOptions): CompiledNodeTruth {
  const nodes: TruthNode[] = [];
  const statement = compiled(options, (ctx) => {
    const columns: Sql[] = [];
    const visit = (condition: Condition, path: string): string => {
      const column = `why_n${nodes.length}`;
      nodes.push({ path, condition, column });
      let expression: Sql;
      switch (condition.kind) {
        case 'all': case 'any': {
          const children = condition.conditions.map((child, i) => sql.ref(visit(child, `${path}.${condition.kind}[${i}]`)));
          const empty = condition.kind === 'all' ? ctx.dialect.yes : ctx.dialect.no;
          expression = children.length === 0 ? empty : sql`(${sql.join(children, condition.kind === 'all' ? sql` AND ` : sql` OR `)})`;
          break;
        }
        case 'not': expression = sql`(NOT ${sql.ref(visit(condition.condition, `${path}.not`))})`; break;
        default: expression = compileCondition(condition, ctx);
      }
      columns.push(sql`${expression} AS ${sql.ref(column)}`);
      return column;
    };
    const root = visit(definition.where, 'where');
    return sql`SELECT ${sql.join(columns)}, (${visible(definition, ctx)} AND ${sql.ref(root)}) AS why_in
      FROM customers AS c WHERE c.customer_id = ${customerId}`;
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
