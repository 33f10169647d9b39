import type { DuckDBEngine } from '../engine.js';
import type { ImportTarget } from './load.js';
import type { StagePlan } from './stage.js';

/**
 * Lines and events are stored in time order when they go in straight from the reader, so that a
 * window reads only the row groups of its dates (DuckDB skips a row group whose min / max of the
 * time column lie outside it). A cart exports its lines by order date, and the table keeps that
 * order; a file grouped by customer or shuffled would leave every row group spanning the whole
 * history, and every window reading every line. Such a file is sorted as it loads: at 1x (19M
 * lines grouped by customer) the import took 68.7 s against 49.9 s, and then one month's orders
 * counted in 94 ms instead of 153, a month's sales 126 instead of 346 (the same file by date: 96
 * and 113); sorting the loaded table instead took 22.9 s more than the load.
 *
 * Whether a file is in time order is told from its first rows: cut into runs of ROWS_PER_RUN, a
 * file by date (either way, or roughly: orders by id, lines a little apart) has each run span a
 * small part of the time its first rows span; grouped by customer or shuffled, each run spans
 * nearly all of it. A file of fewer rows than those looked at fits one row group, which a sort
 * would not split.
 */

/** The column a table's windows filter by. */
const TIME_COLUMN: Readonly<Record<string, string>> = { purchases: 'ordered_at', mail_events: 'occurred_at' };

/** The rows whose times are looked at. */
export const ROWS_LOOKED_AT = 100_000;

/** Rows of a run: DuckDB's vector size, a run of rows one scan step reads. */
const ROWS_PER_RUN = 2_048;

/** Runs spanning this share of the first rows' time on average are out of time order. */
export const RUN_SPAN_SHARE_SORTED = 0.25;

/** How a file's first rows lie in time: the average run's span against all of theirs. */
export interface TimeSpread {
  readonly column: string;
  readonly rows: number;
  /** the average span of a run of ROWS_PER_RUN rows, as a share of the rows' whole span */
  readonly runSpanShare: number;
}

/**
 * The column to sort a direct load of this file by, or undefined when the table has no time
 * column, the file lacks it or is small, or its first rows are in time order.
 */
export async function sortColumnFor(db: DuckDBEngine, table: ImportTarget, plan: StagePlan, path: string): Promise<{ column?: string; spread?: TimeSpread }> {
  const column = TIME_COLUMN[table.table];
  if (!column || !plan.columns.some((c) => c.name === column)) return {};
  // A bad value reads as NULL here; the load itself finds it.
  const rows = await db.all<{ t: bigint | null }>(
    `SELECT epoch_us(TRY_CAST("${column}" AS TIMESTAMP)) AS t FROM (${plan.select}) AS src WHERE NOT _skip LIMIT ${ROWS_LOOKED_AT}`, { path });
  const times = rows.flatMap((r) => (r.t === null ? [] : [Number(r.t)]));
  if (rows.length < ROWS_LOOKED_AT || times.length < 2 * ROWS_PER_RUN) return {};
  const spanOf = (from: number, to: number) => {
    let low = Infinity;
    let high = -Infinity;
    for (let i = from; i < to; i++) {
      low = Math.min(low, times[i]!);
      high = Math.max(high, times[i]!);
    }
    return high - low;
  };
  const whole = spanOf(0, times.length);
  const runs = Math.floor(times.length / ROWS_PER_RUN);
  let spans = 0;
  for (let k = 0; k < runs; k++) spans += spanOf(k * ROWS_PER_RUN, (k + 1) * ROWS_PER_RUN);
  const spread = { column, rows: times.length, runSpanShare: whole === 0 ? 0 : spans / runs / whole };
  return spread.runSpanShare >= RUN_SPAN_SHARE_SORTED ? { column, spread } : { spread };
}
