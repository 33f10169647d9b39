import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { Condition, Segment } from '../model/segment.js';
import { reachable } from './compile-reachable.js';
import type { CompiledSegment, PlanOptions } from './compile-segment.js';
import { and, compileStatement, countHolding, LeafFlags, or } from './leaf-flags.js';

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

const visibleOnly = sql`NOT COALESCE(c.deleted, false)`;

/**
 * How many customers each node of a definition holds for alone, and, for the children of every
 * `all`, as they are applied in order (a funnel), all in one statement: one flag per leaf for
 * every customer of the definition's base (deleted customers out unless `includeDeleted`), then one
 * filtered count per node over its combination of those flags. So the derived tables are joined
 * once, as for the count, however many nodes the tree has.
 */
export function compileConditionCounts(definition: Segment, options: PlanOptions): CompiledConditionCounts {
  const nodes: ConditionNode[] = [];
  const statement = compileStatement((ctx) => {
    const flags = new LeafFlags(ctx);
    const aggregates: Sql[] = [];
    const count = (name: string, predicate: Sql) => aggregates.push(sql`${countHolding(predicate)} AS ${sql.ref(name)}`);
    // Returns the node's flag expression; registers its counts on the way down.
    const visit = (condition: Condition, path: string, depth: number, cumulative?: string): Sql => {
      const alone = `n${nodes.length}`;
      nodes.push({ path, depth, condition, alone, ...(cumulative !== undefined ? { cumulative } : {}) });
      let expression: Sql;
      switch (condition.kind) {
        case 'all': {
          const funnels: string[] = [];
          const children = condition.conditions.map((child, i) => {
            funnels.push(`n${nodes.length}_cumulative`);
            return visit(child, `${path}.all[${i}]`, depth + 1, funnels.at(-1));
          });
          expression = and(children);
          if (children.length === 0) break;
          // How many leading children hold, once per customer: child i's funnel is "more than i",
          // so the statement grows with the number of children, not with its square.
          const held = flags.flagColumn(`held_${alone}`,
            sql`CASE ${sql.join(children.map((c, i) => sql`WHEN NOT ${c} THEN ${sql.lit(i)}`), sql` `)} ELSE ${sql.lit(children.length)} END`);
          funnels.forEach((funnel, i) => count(funnel, sql`${held} > ${sql.lit(i)}`));
          break;
        }
        case 'any':
          expression = or(condition.conditions.map((child, i) => visit(child, `${path}.any[${i}]`, depth + 1)));
          break;
        case 'not':
          expression = sql`(NOT ${visit(condition.condition, `${path}.not`, depth + 1)})`;
          break;
        default:
          expression = flags.leaf(condition);
      }
      count(alone, expression);
      return expression;
    };
    const root = visit(definition.where, 'where', 0);
    const d = ctx.dialect;
    const reach = (['email', 'line', 'dm'] as const).map((channel) =>
      sql`${countHolding(and([root, flags.rowColumn(`reach_${channel}`, reachable(channel, d, ctx.schema))]))} AS ${sql.ref(channel)}`);
    return sql`SELECT ${countHolding(root)} AS count, ${sql.join(reach)}, ${sql.join(aggregates)}
      ${flags.from(definition.includeDeleted ? sql`true` : visibleOnly)}`;
  }, options);
  return { ...statement, nodes };
}

/**
 * How many customers each pair of segments holds in common, in one statement: one flag per leaf
 * per customer, each segment a combination of them (with its own `includeDeleted`), then one
 * filtered count per pair. Column `p{i}_{j}` (i <= j) is the intersection of segments i and j;
 * `p{i}_{i}` is segment i's count.
 */
export function compileOverlap(segments: readonly Segment[], options: PlanOptions): CompiledSegment {
  return compileStatement((ctx) => {
    const flags = new LeafFlags(ctx);
    const visible = segments.some((s) => !s.includeDeleted) ? flags.rowColumn('visible', visibleOnly) : sql`true`;
    const members = segments.map((s) => and([...(s.includeDeleted ? [] : [visible]), flags.condition(s.where)]));
    const pairs = members.flatMap((a, i) => members.slice(i).map((b, k) => sql`${countHolding(and([a, b]))} AS ${sql.ref(`p${i}_${i + k}`)}`));
    return pairs.length === 0 ? sql`SELECT 0 AS none` : sql`SELECT ${sql.join(pairs)} ${flags.from(sql`true`)}`;
  }, options);
}
