import type { DuckDBEngine } from '../engine.js';
import { OutOfMemoryError } from '../../../errors.js';
import type { Logger } from '../../../logger.js';
import { withPolledProgress, type ProgressReporter } from '../../../progress.js';
import { remakeSideTable, sideTableOf, type SideLoaded } from './side-load.js';

/**
 * A window (orders of one month, events since 1 August) reads only the row groups whose time
 * range meets it: DuckDB keeps each group's min and max. A cart's file is in time order, so its
 * groups cover a few days each; a file grouped by customer, or shuffled, puts most of the history
 * in every group, and every window reads every line (1x grouped by customer: one month's orders
 * 153 ms, a month's sales 346, opened one of three mails since 1 August 346; stored by time 93, 95
 * and 90 ms, as on a cart's file). So a full load whose rows are spread over time is stored again
 * by time once committed (as the numbering: in a transaction of its own, before the summaries).
 * Sorting as the rows went in ran out of the default 400 MB at 3x (session 20); sorting the
 * committed table does not (3x lines grouped by customer: 80.6 s, the import's peak 925 MB RSS,
 * its summaries' 901). Should it still run out of memory, the rows are kept as loaded: the import
 * succeeds, and windows read every line as before.
 */
const TIME_COLUMN: Readonly<Record<SideLoaded, string>> = { purchases: 'ordered_at', mail_events: 'occurred_at' };

/** Rows of one DuckDB row group, the unit its min / max skip. */
const ROWS_PER_GROUP = 122_880;

/** Fewer rows than eight row groups (about 1M): a window reads them all in a few milliseconds anyway. */
export const STORED_BY_TIME_FROM_ROWS = 8 * ROWS_PER_GROUP;

/**
 * The mean share of the history one row group may span and still be left as loaded. A direct load
 * fills a row group per thread from parts of the file far apart, so in a cart's file a group spans
 * the time of about as many groups as DuckDB has threads (1x, 2 threads: 1.9% of the history each,
 * 155 groups); grouped by customer or shuffled, every group spans nearly all of it. Sorted, a
 * table of n groups spans 1/n each.
 */
export const SPREAD_KEPT_AT_MOST = 0.5;

/** How the rows of a table lie in time: how many, and the mean share of the history a row group spans. */
export interface TimeSpread {
  readonly rows: number;
  readonly spread: number;
}

/** Reads how the rows of `table` lie in time by `column`, in groups of rows as stored (one pass over that column). */
export async function timeSpread(db: DuckDBEngine, table: string, column: string): Promise<TimeSpread> {
  const [row] = await db.all<{ rows: bigint | null; spread: number | null }>(
    `SELECT sum(n)::BIGINT AS rows, avg(epoch(hi) - epoch(lo)) / nullif(epoch(max(hi)) - epoch(min(lo)), 0) AS spread
     FROM (SELECT count(*) AS n, min(${column}) AS lo, max(${column}) AS hi FROM ${table} GROUP BY rowid // ${ROWS_PER_GROUP})`);
  return { rows: Number(row?.rows ?? 0), spread: row?.spread ?? 0 };
}

/** Whether a table of this spread is stored again by time. */
export const storedAgainByTime = (spread: TimeSpread): boolean =>
  spread.rows >= STORED_BY_TIME_FROM_ROWS && spread.spread > SPREAD_KEPT_AT_MOST;

/**
 * Stores the committed side table of `table` again in time order, in a transaction of its own:
 * a sorted copy made like it (columns, constraints, defaults) takes its place. Returns DuckDB's
 * out-of-memory failure, the side table unchanged, when it ran short; undefined once sorted.
 */
async function storeSideByTime(
  db: DuckDBEngine, table: SideLoaded, run: (work: () => Promise<void>) => Promise<void>,
): Promise<OutOfMemoryError | undefined> {
  try {
    // In one transaction: a process killed during the sort leaves nothing of it.
    await run(() => db.transaction(() => remakeSideTable(db, table, (side) => `SELECT * FROM ${side} ORDER BY ${TIME_COLUMN[table]}`)));
    return undefined;
  } catch (e) {
    if (e instanceof OutOfMemoryError) return e;
    throw e;
  }
}

/**
 * After a full load's commit: measures how the side table of `table` lies in time and, when it is
 * spread (storedAgainByTime), stores it by time, with a progress bar (a million rows or more:
 * seconds of work) and a warning if DuckDB ran short of memory. The milliseconds it took when it
 * sorted (or tried), else undefined.
 */
export async function storeSideByTimeIfSpread(
  db: DuckDBEngine, table: SideLoaded, how: { run: (work: () => Promise<void>) => Promise<void>; progress: ProgressReporter; log: Logger },
): Promise<number | undefined> {
  const spread = await timeSpread(db, sideTableOf(table), TIME_COLUMN[table]);
  if (!storedAgainByTime(spread)) return undefined;
  const started = Date.now();
  const shortOfMemory = await withPolledProgress(how.progress(`storing ${table} by time`), () => db.progressPercentage, storeSideByTime(db, table, how.run));
  if (shortOfMemory) {
    how.log.warn({ table, spread: spread.spread },
      `${table}: the file is not in time order, and storing its rows by time ran out of memory (${shortOfMemory.limit}): they stay as loaded, so windows read every row. Raise ${shortOfMemory.setting} to have them sorted`);
  }
  return Date.now() - started;
}
