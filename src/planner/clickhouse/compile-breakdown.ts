import { Kysely, sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { Segment } from '../../model/segment.js';
import { CHANNEL_FLAGS, type BreakdownKey } from '../compile-breakdown.js';
import type { CompiledSegment } from '../compile-segment.js';
import { compileCondition, visible } from './compile-condition.js';
import { rfmScores } from './compile-rfm.js';
import { reachable } from './compile-reachable.js';
import { contextOf, type ClickHousePlanOptions } from './compile-segment.js';
import type { ClickHouseContext } from './context.js';
import { countedLine } from './purchase-lines.js';
import { inDateRange } from './ranges.js';

/** Missing, empty or blank texts are one group: "no value" (NULL), as in the DuckDB planner. */
const textValue = (ctx: ClickHouseContext, value: Sql): Sql => sql`(CASE WHEN ${ctx.dialect.isBlankText(value)} THEN NULL ELSE ${value} END)`;

/** A YYYYMMDD date (Int32) as `YYYY-MM-DD`, the text the DuckDB breakdown shows; NULL stays NULL. */
const dateText = (date: Sql): Sql => {
  const padded = sql`toString(${date} + 100000000)`;
  return sql`(CASE WHEN isNull(${date}) THEN NULL ELSE concat(substring(${padded}, 2, 4), '-', substring(${padded}, 6, 2), '-', substring(${padded}, 8, 2)) END)`;
};

/**
 * The store of each customer's latest counted order by the as-of date (latest time, ties to the
 * larger order_id; the smallest store id among its counted lines), from the shard-local lines:
 * src/planner/compile-breakdown.ts's `latestStore`. Joined to the customer row on each shard.
 */
function latestStores(ctx: ClickHouseContext): Sql {
  const byAsOf = ctx.dialect.isTrue(inDateRange(ctx, sql.ref('p.ordered_at'), { to: 'today' }));
  return sql`SELECT customer_id, argMax(tuple(store_id), (ts, order_id)).1 AS kw_store
    FROM (SELECT p.customer_id AS customer_id, p.order_id AS order_id, min(p.ordered_at) AS ts, min(p.store_id) AS store_id
          FROM ${ctx.local('purchases')} AS p WHERE ${countedLine(ctx)} AND ${byAsOf} GROUP BY p.customer_id, p.order_id)
    GROUP BY customer_id`;
}

/** The key's columns on the customer row (`k{i}`); rfm's scores are joined after (see below), channel has none. */
function keyColumns(key: BreakdownKey, i: number, ctx: ClickHouseContext): Sql[] {
  const as = (value: Sql) => sql`${value} AS ${sql.id(`k${i}`)}`;
  switch (key.kind) {
    case 'column': {
      if (key.type === 'tags') return [as(textValue(ctx, sql.raw(ctx.dialect.tagsText('c.tags'))))];
      const value = sql.ref(`c.${key.name}`);
      if (key.type === 'text' || key.type === 'enum') return [as(textValue(ctx, value))];
      return [as(key.type === 'date' ? dateText(value) : value)];
    }
    case 'attr': return [as(textValue(ctx, sql`c.${sql.id(key.name)}`))];
    case 'age_band': return [as(ctx.dialect.fullYears(sql.ref('c.birthday'), ctx.asOfText))];
    case 'store': return [as(textValue(ctx, sql.ref('kw_store')))];
    case 'rfm': case 'channel': return [];
  }
}

/**
 * compileBreakdown (src/planner/compile-breakdown.ts) for ClickHouse: the segment's customers
 * counted per combination of the keys' raw values and the four reach flags (0 / 1), columns named
 * as there. Each shard groups its own customers (a `store` key joins each shard's latest stores);
 * with an `rfm` key the members' rows go to the server the statement was sent to, which joins the
 * whole shop's scores (quintiles need every customer) and groups: a customer without a score
 * has the scores NULL.
 */
export function compileClickHouseBreakdown(definition: Segment, keys: readonly BreakdownKey[], options: ClickHousePlanOptions): CompiledSegment {
  const ctx = contextOf(options);
  const d = ctx.dialect;
  const columns = keys.flatMap((key, i) => keyColumns(key, i, ctx));
  const flags = CHANNEL_FLAGS.map((channel) => sql`${reachable(channel, d, ctx.schema)} AS ${sql.id(`reach_${channel}`)}`);
  const stores = keys.some((k) => k.kind === 'store') ? sql` ANY LEFT JOIN (${latestStores(ctx)}) AS kw_stores USING customer_id` : sql``;
  const where = sql`${visible(definition, ctx)} AND ${compileCondition(definition.where, ctx)}`;
  const rowNames = [...keys.flatMap((k, i) => (k.kind === 'rfm' || k.kind === 'channel' ? [] : [`k${i}`])), ...CHANNEL_FLAGS.map((c) => `reach_${c}`)];
  const rfmAt = keys.findIndex((k) => k.kind === 'rfm');
  let body: Sql;
  if (rfmAt < 0) {
    body = sql`SELECT ${sql.join([...columns, ...flags])}, count() AS count FROM customers AS c${stores} WHERE ${where}
      GROUP BY ${sql.join(rowNames.map((n) => sql.ref(n)))}`;
  } else {
    const members = sql`SELECT ${sql.join([sql`c.customer_id AS customer_id`, ...columns, ...flags])} FROM customers AS c${stores} WHERE ${where}`;
    const scores = (['r', 'f', 'm'] as const).map((s) => sql`nullIf(${sql.ref(`kw_${s}`)}, 0) AS ${sql.id(`k${rfmAt}_${s}`)}`);
    const groups = [...rowNames, ...(['r', 'f', 'm'] as const).map((s) => `k${rfmAt}_${s}`)].map((n) => sql.ref(n));
    body = sql`SELECT ${sql.join([...rowNames.map((n) => sql.ref(n)), ...scores])}, count() AS count
      FROM (${members}) AS kw_members ANY LEFT JOIN (${rfmScores(ctx)}) AS kw_scores USING customer_id GROUP BY ${sql.join(groups)}`;
  }
  const compiled = body.compile(new Kysely<Record<string, never>>({ dialect: d.kysely }));
  return { sql: compiled.sql, parameters: compiled.parameters, notes: [...ctx.notes] };
}
