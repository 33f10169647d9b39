import { Kysely, sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { Condition, Leaf, Segment } from '../../model/segment.js';
import type { CompiledConditionCounts, ConditionNode } from '../compile-condition-counts.js';
import type { CompiledSegment } from '../compile-segment.js';
import { compileCondition, visible } from './compile-condition.js';
import { reachable } from './compile-reachable.js';
import { contextOf, type ClickHousePlanOptions } from './compile-segment.js';
import type { ClickHouseContext } from './context.js';

/**
 * Flags of one statement over the Distributed `customers`, each written once and named: ClickHouse
 * lets an alias given anywhere in a SELECT be read by every other expression of it (18.16 and
 * 26.7), so a leaf's predicate (its shard-local `IN` subquery) is computed once per customer
 * however many counts combine it, and the statement grows with the tree, not with its square.
 * Each shard counts its own customers; the initiator adds the shards' counts up.
 */
class NamedFlags {
  private readonly leaves = new Map<string, Flag>();
  private names = 0;

  constructor(private readonly ctx: ClickHouseContext) {}

  /** A flag named once: `(expression AS name)` where it is first read, `name` everywhere after. */
  flag(expression: () => Sql): Flag {
    const name = `kw_flag${this.names++}`;
    let defined = false;
    return () => {
      if (defined) return sql.ref(name);
      defined = true;
      return sql`(${expression()} AS ${sql.ref(name)})`;
    };
  }

  /** A leaf's flag (a leaf written twice is compiled once). */
  leaf(leaf: Leaf): Flag {
    const key = JSON.stringify(leaf);
    let flag = this.leaves.get(key);
    if (!flag) {
      flag = this.flag(() => compileCondition(leaf, this.ctx));
      this.leaves.set(key, flag);
    }
    return flag;
  }

  /** A condition over the leaves' flags: groups combine them as compileCondition does (all of none holds, any of none does not). */
  condition(condition: Condition): Sql {
    const d = this.ctx.dialect;
    switch (condition.kind) {
      case 'all': return condition.conditions.length === 0 ? d.yes : sql`(${sql.join(condition.conditions.map((c) => this.condition(c)), sql` AND `)})`;
      case 'any': return condition.conditions.length === 0 ? d.no : sql`(${sql.join(condition.conditions.map((c) => this.condition(c)), sql` OR `)})`;
      case 'not': return this.ctx.not(this.condition(condition.condition));
      default: return this.leaf(condition)();
    }
  }
}

/** A named flag as an operand: its definition the first time it is read, its name after. */
type Flag = () => Sql;

function statement(options: ClickHousePlanOptions, build: (ctx: ClickHouseContext, flags: NamedFlags) => Sql): CompiledSegment {
  const ctx = contextOf(options);
  ctx.guardsNegations = true;
  const compiled = build(ctx, new NamedFlags(ctx)).compile(new Kysely<Record<string, never>>({ dialect: options.dialect.kysely }));
  return { sql: compiled.sql, parameters: compiled.parameters, notes: [...ctx.notes] };
}

/**
 * `compileConditionCounts` (src/planner/compile-condition-counts.ts) for ClickHouse: the same
 * columns (`count`, `email`, `line`, `dm`, one per node and one per funnel step of an `all`) over
 * the customers of the definition's base, in one statement.
 */
export function compileClickHouseConditionCounts(definition: Segment, options: ClickHousePlanOptions): CompiledConditionCounts {
  const nodes: ConditionNode[] = [];
  const compiled = statement(options, (ctx, flags) => {
    const counts: Sql[] = [];
    const count = (name: string, predicate: Sql) => counts.push(sql`countIf(${predicate}) AS ${sql.ref(name)}`);
    const visit = (condition: Condition, path: string, depth: number, cumulative?: string): Flag => {
      const alone = `n${nodes.length}`;
      nodes.push({ path, depth, condition, alone, ...(cumulative !== undefined ? { cumulative } : {}) });
      let expression: () => Sql;
      switch (condition.kind) {
        case 'all': {
          const funnels: string[] = [];
          const children = condition.conditions.map((child, i) => {
            funnels.push(`n${nodes.length}_cumulative`);
            return visit(child, `${path}.all[${i}]`, depth + 1, funnels.at(-1));
          });
          if (children.length === 0) {
            expression = () => ctx.dialect.yes;
            break;
          }
          // How many children hold in a row from the first, once per customer: child i's funnel
          // step is "more than i", the group "all of them".
          const held = flags.flag(() => sql`multiIf(${sql.join(children.map((c, i) => sql`${ctx.not(c())}, ${sql.lit(i)}`))}, ${sql.lit(children.length)})`);
          funnels.forEach((funnel, i) => count(funnel, sql`${held()} > ${sql.lit(i)}`));
          expression = () => sql`${held()} = ${sql.lit(children.length)}`;
          break;
        }
        case 'any': {
          const children = condition.conditions.map((child, i) => visit(child, `${path}.any[${i}]`, depth + 1));
          expression = () => (children.length === 0 ? ctx.dialect.no : sql`(${sql.join(children.map((c) => c()), sql` OR `)})`);
          break;
        }
        case 'not': {
          const child = visit(condition.condition, `${path}.not`, depth + 1);
          expression = () => ctx.not(child());
          break;
        }
        default: {
          const leaf = flags.leaf(condition);
          count(alone, leaf());
          return leaf;
        }
      }
      const named = flags.flag(expression);
      count(alone, named());
      return named;
    };
    const root = visit(definition.where, 'where', 0);
    const d = ctx.dialect;
    const reach = (['email', 'line', 'dm'] as const).map((channel) => sql`countIf(${root()} AND ${reachable(channel, d, ctx.schema)}) AS ${sql.ref(channel)}`);
    return sql`SELECT countIf(${root()}) AS count, ${sql.join(reach)}, ${sql.join(counts)} FROM customers AS c WHERE ${visible(definition, ctx)}`;
  });
  return { ...compiled, nodes };
}

/**
 * `compileOverlap` for ClickHouse: column `p{i}_{j}` (i <= j) counts the customers in segments i
 * and j (each with its own visibility), `p{i}_{i}` segment i's count; one statement.
 */
export function compileClickHouseOverlap(segments: readonly Segment[], options: ClickHousePlanOptions): CompiledSegment {
  return statement(options, (ctx, flags) => {
    const members = segments.map((s) => flags.flag(() => sql`(${visible(s, ctx)} AND ${flags.condition(s.where)})`));
    const pairs = members.flatMap((a, i) => members.slice(i).map((b, k) => sql`countIf(${a()} AND ${b()}) AS ${sql.ref(`p${i}_${i + k}`)}`));
    return pairs.length === 0 ? sql`SELECT 0 AS none` : sql`SELECT ${sql.join(pairs)} FROM customers AS c`;
  });
}
