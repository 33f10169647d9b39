import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import { RFM_CELL_SQUARES } from '../../model/rfm-cells.js';
import type { RfmCondition, ScoreRange } from '../../model/segment.js';
import type { ClickHouseContext } from './context.js';
import { countedLine } from './purchase-lines.js';
import { inDateRange } from './ranges.js';

/**
 * Per customer with a counted order by the end of the as-of day: order count, sales and days
 * since the last order (src/planner/orders-as-of.ts), over `purchases` (shard-local or whole),
 * only customers of the customers table (guests are not scored).
 *
 * With the per-customer summary current (`ctx.summary`), a customer whose latest counted line is
 * by the as-of day reads its summary row (the same figures: no line is cut off); only the others,
 * few when the as-of date is today, are aggregated from their lines, as the DuckDB planner does.
 */
function figuresAsOf(ctx: ClickHouseContext, purchases: Sql): Sql {
  const d = ctx.dialect;
  const byAsOf = (time: Sql) => d.isTrue(inDateRange(ctx, time, { to: 'today' }));
  const members = sql`(SELECT customer_id FROM ${ctx.local('customers')})`;
  // Sales as Decimal64 (a sum past 10^14 is an overflow error, never a wrong score): 18.16
  // crashes on groupArray of a Decimal128 (the type of sum()).
  const fromLines = (restrict?: Sql<boolean>) => sql`SELECT customer_id, count() AS order_count, toDecimal64(ifNull(sum(order_sales), ${d.decimal(0)}), 4) AS sales,
      ${d.daysUntil(sql`max(ts)`, ctx.asOfText)} AS days
    FROM (SELECT p.customer_id AS customer_id, p.order_id AS order_id, min(p.ordered_at) AS ts, sum(p.amount) AS order_sales
          FROM ${purchases} AS p
          WHERE ${countedLine(ctx)} AND ${byAsOf(sql.ref('p.ordered_at'))} AND p.customer_id IN ${members}${restrict ? sql` AND ${restrict}` : sql``}
          GROUP BY p.customer_id, p.order_id)
    GROUP BY customer_id`;
  if (!ctx.summary) return fromLines();
  const whole = byAsOf(sql.ref('s.last_line_at'));
  // Each shard reads its own summary rows (the IN subqueries read shard-local tables).
  return sql`SELECT s.customer_id AS customer_id, s.order_count AS order_count, toDecimal64(s.sales, 4) AS sales,
      ${d.daysUntil(sql.ref('s.last_ordered_at'), ctx.asOfText)} AS days
    FROM ${ctx.whole('customer_summary')} AS s WHERE ${whole} AND s.customer_id IN ${members}
    UNION ALL ${fromLines(sql`p.customer_id IN (SELECT s.customer_id FROM ${ctx.local('customer_summary')} AS s WHERE NOT ${whole})`)}`;
}

/**
 * The quintile cut values of the whole shop, without window functions: with the scored values
 * sorted from worst to best (`a`, n of them), a score is at least k exactly when at least
 * ceil((k − 1) n / 5) values are strictly worse (rank() − 1 of the DuckDB planner), that is when
 * the value is strictly better than a[ceil((k − 1) n / 5)]. One scalar subquery over the
 * Distributed tables (each shard aggregates its customers; their rows never span shards).
 */
function quintileCuts(ctx: ClickHouseContext): Sql {
  // The sales cuts travel as text: 18.16 cannot take a Decimal back from a scalar subquery.
  const cuts = (a: string, text = false) => sql.raw([1, 2, 3, 4].map((k) => {
    const value = `${a}[intDiv(${k} * length(${a}) + 4, 5)]`;
    return text ? `toString(${value})` : value;
  }).join(', '));
  return sql`(SELECT tuple([${cuts('r')}], [${cuts('f')}], [${cuts('m', true)}]) FROM (
      SELECT arrayReverseSort(groupArray(days)) AS r, arraySort(groupArray(order_count)) AS f, arraySort(groupArray(sales)) AS m
      FROM (${figuresAsOf(ctx, ctx.whole('purchases'))})))`;
}

/** A 1–5 score: 1 plus the cut values the value is strictly better than. */
function score(ctx: ClickHouseContext, value: string, which: 'r' | 'f' | 'm'): Sql<number> {
  const cuts = ctx.schema.rfm?.[which];
  const v = sql.ref(value);
  if (cuts) {
    // The shop's fixed cut points: recency within a cut, or frequency / monetary at least a cut.
    const bound = (c: number) => (which === 'm' ? ctx.dialect.decimal(c) : sql`${c}`);
    const steps = cuts.map((c) => (which === 'r' ? sql`(${v} <= ${bound(c)})` : sql`(${v} >= ${bound(c)})`));
    return sql`(1 + ${sql.join(steps, sql` + `)})`;
  }
  const index = { r: 1, f: 2, m: 3 }[which];
  const element = (i: number) => sql`tupleElement(${quintileCuts(ctx)}, ${sql.lit(index)})[${sql.lit(i)}]`;
  const cut = (i: number) => (which === 'm' ? sql`toDecimal64(${element(i)}, 4)` : element(i));
  const steps = [1, 2, 3, 4].map((i) => (which === 'r' ? sql`(${v} < ${cut(i)})` : sql`(${v} > ${cut(i)})`));
  return sql`(1 + ${sql.join(steps, sql` + `)})`;
}

const within = (s: Sql, [lo, hi]: readonly [number, number]) => sql`(${s} BETWEEN ${lo} AND ${hi})`;

/**
 * An `rfm` condition (src/planner/compile-rfm.ts): every score range given holds, or the scores
 * are in the named cell (F + M in [2a − 1, 2b] for the FM range [a, b]). A customer without a
 * counted order by the as-of date has no score: never `IN`.
 */
export function compileRfm(leaf: RfmCondition, ctx: ClickHouseContext): Sql<boolean> {
  const [r, f, m] = [score(ctx, 'days', 'r'), score(ctx, 'order_count', 'f'), score(ctx, 'sales', 'm')];
  let test: Sql<boolean>;
  if (leaf.cell !== undefined) {
    test = sql`(${sql.join(RFM_CELL_SQUARES[leaf.cell].map((s) => sql`(${within(r, s.r)} AND ${within(sql`(${f} + ${m})`, [2 * s.fm[0] - 1, 2 * s.fm[1]])})`), sql` OR `)})`;
  } else {
    const tests = ([[r, leaf.r], [f, leaf.f], [m, leaf.m]] as Array<[Sql, ScoreRange | undefined]>).flatMap(([s, range]) => (range ? [within(s, range)] : []));
    test = tests.length === 0 ? ctx.dialect.yes : sql`(${sql.join(tests, sql` AND `)})`;
  }
  // Scores need the whole shop (quintiles): the only GLOBAL IN. The subquery runs once, on the
  // server the count was sent to, over the Distributed tables; shards get the customer ids. (A
  // scalar subquery inside a shard-local one would be run by every shard over the Distributed
  // tables, which 18.16 refuses as double-distributed.)
  return sql`(c.customer_id GLOBAL IN (SELECT customer_id FROM (${figuresAsOf(ctx, ctx.whole('purchases'))}) WHERE ${test}))`;
}

/**
 * Every scored customer's r, f and m scores (`kw_r`, `kw_f`, `kw_m`) as of the as-of date, over
 * the whole shop (Distributed tables): for the server the statement was sent to, never inside a
 * shard-local subquery (see compileRfm).
 */
export function rfmScores(ctx: ClickHouseContext): Sql {
  const [r, f, m] = [score(ctx, 'days', 'r'), score(ctx, 'order_count', 'f'), score(ctx, 'sales', 'm')];
  return sql`SELECT customer_id, ${r} AS kw_r, ${f} AS kw_f, ${m} AS kw_m FROM (${figuresAsOf(ctx, ctx.whole('purchases'))})`;
}
