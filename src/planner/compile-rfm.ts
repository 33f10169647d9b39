import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import { RFM_CELL_SQUARES } from '../model/rfm-cells.js';
import type { RfmCondition, ScoreRange } from '../model/segment.js';
import type { PlannerContext } from './context.js';
import { ordersAsOf } from './orders-as-of.js';
import { isTrue } from './ranges.js';

/**
 * A 1–5 score from a rank among `n` scored customers: 1 + floor(5 × L / n), L being how many have
 * a strictly worse value (`rank() - 1` over the order from worst to best). Equal values get equal
 * scores. Written as comparisons, so that no engine's integer division is involved.
 */
const quintile = (rank: Sql, n: Sql): Sql<number> =>
  sql`(CASE WHEN 5 * (${rank} - 1) < ${n} THEN 1 WHEN 5 * (${rank} - 1) < 2 * ${n} THEN 2
    WHEN 5 * (${rank} - 1) < 3 * ${n} THEN 3 WHEN 5 * (${rank} - 1) < 4 * ${n} THEN 4 ELSE 5 END)`;

/** Fixed cut points: a value at least the k-th cut point (or, for recency, at most) scores k + 1 steps. */
function threshold(value: Sql, cuts: readonly number[], recency: boolean): Sql<number> {
  const [c1, c2, c3, c4] = cuts;
  return recency
    ? sql`(CASE WHEN ${value} <= ${c1} THEN 5 WHEN ${value} <= ${c2} THEN 4 WHEN ${value} <= ${c3} THEN 3 WHEN ${value} <= ${c4} THEN 2 ELSE 1 END)`
    : sql`(CASE WHEN ${value} >= ${c4} THEN 5 WHEN ${value} >= ${c3} THEN 4 WHEN ${value} >= ${c2} THEN 3 WHEN ${value} >= ${c1} THEN 2 ELSE 1 END)`;
}

/**
 * The RFM scores (r, f, m) of every customer with a counted order by the as-of date, as a WITH
 * subquery: R from the days since the last order (fewer days, higher score), F from the order
 * count, M from the sales; quintiles over those customers unless the shop set cut points.
 */
export function rfmScores(ctx: PlannerContext): string {
  return ctx.cte('rfm-scores', () => {
    const orders = sql.table(ordersAsOf(ctx));
    const settings = ctx.schema.rfm ?? {};
    const score = (cuts: readonly number[] | undefined, value: string, rank: string, recency: boolean) =>
      cuts ? threshold(sql.ref(value), cuts, recency) : quintile(sql.ref(rank), sql.ref('n'));
    return sql`SELECT customer_id, ${score(settings.r, 'days', 'r_rank', true)} AS r, ${score(settings.f, 'order_count', 'f_rank', false)} AS f,
        ${score(settings.m, 'sales', 'm_rank', false)} AS m
      FROM (SELECT o.customer_id, o.days, o.order_count, o.sales, count(*) OVER () AS n,
              rank() OVER (ORDER BY o.days DESC) AS r_rank, rank() OVER (ORDER BY o.order_count) AS f_rank, rank() OVER (ORDER BY o.sales) AS m_rank
            FROM (SELECT customer_id, order_count, sales, ${ctx.dialect.daysUntil(sql.ref('last_ordered_at'), ctx.asOfText)} AS days FROM ${orders}) AS o
            WHERE o.customer_id IN (SELECT customer_id FROM customers))`;
  });
}

/** The customer's r, f and m columns (NULL without a score), joined once per query level. */
export function rfmColumns(ctx: PlannerContext): { r: Sql; f: Sql; m: Sql } {
  const alias = ctx.join('rfm-scores', () => sql`SELECT * FROM ${sql.table(rfmScores(ctx))}`);
  return { r: ctx.column(alias, 'r'), f: ctx.column(alias, 'f'), m: ctx.column(alias, 'm') };
}

const within = (score: Sql, [lo, hi]: readonly [number, number]) => sql`${score} BETWEEN ${lo} AND ${hi}`;

/**
 * An `rfm` condition: every score range given holds, or the scores are in the named cell (FM, the
 * mean of F and M rounded half up, is in [a, b] exactly when F + M is in [2a − 1, 2b]). False for a
 * customer without a score.
 */
export function compileRfm(leaf: RfmCondition, ctx: PlannerContext): Sql<boolean> {
  const { r, f, m } = rfmColumns(ctx);
  if (leaf.cell !== undefined) {
    const squares = RFM_CELL_SQUARES[leaf.cell].map((s) =>
      sql`(${within(r, s.r)} AND ${within(sql`(${f} + ${m})`, [2 * s.fm[0] - 1, 2 * s.fm[1]])})`);
    return isTrue(sql`(${sql.join(squares, sql` OR `)})`);
  }
  const tests: Sql[] = [sql`${r} IS NOT NULL`];
  for (const [score, range] of [[r, leaf.r], [f, leaf.f], [m, leaf.m]] as Array<[Sql, ScoreRange | undefined]>) {
    if (range) tests.push(within(score, range));
  }
  return isTrue(sql`(${sql.join(tests, sql` AND `)})`);
}
