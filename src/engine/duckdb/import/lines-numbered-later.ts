import type { DuckDBEngine } from '../engine.js';
import { sqlIdent, sqlString } from '../../../dialect/duckdb/sql-text.js';
import type { ImportTarget } from './load.js';
import type { StagePlan } from './stage.js';
import { throwIfAborted } from '../../../interrupt.js';
import { copyMasterCategories } from './master-categories.js';

/**
 * A purchases file without line_no numbers each line by its position within its order in the
 * file. The stage keeps file order in its rowids and numbers with a window over them; at 1x that
 * staged load took 85 s where a direct load takes 28 s. So the files of a full load's side table
 * go in directly with every line_no LINE_NO_BEFORE_NUMBERING, one after another, and once that
 * table is committed, numberLoadedLines numbers it in rowid order, each file's lines apart.
 *
 * That order is the file's only because the load's pipeline keeps it: DuckDB keeps insertion
 * order through a plain read of the file, but the join a line's product category takes from the
 * product master (a correlated subquery, or a LEFT JOIN alike) put 233 of the 19M lines at 1x out
 * of file order. So here the category is no join: each product code of the master is a value of an
 * ENUM type, and a line's category is the element of a list of the master's categories at its
 * code's position (an expression: order kept, 0 of 19M out of order). That lookup's cost grows with
 * the master, so the lines of a larger master get their category afterwards, with their numbers,
 * a range per transaction, by the products import's own update (sql/product-categories.sql).
 */
export interface LinesLater {
  /** a line's product category as loaded, from `product_code` */
  readonly productCategory: string;
  /** the category is copied from the master once the lines are in (copyMasterCategories in derived.ts) */
  readonly categoriesLater: boolean;
}

/** Every line's line_no until numberLoadedLines runs (most lines are an order's first). */
export const LINE_NO_BEFORE_NUMBERING = 1;

/**
 * The product codes the lookup may hold; the lines of a larger master get their categories after
 * the load. DuckDB reads the list of categories again for every vector of lines, so its cost grows
 * with the master: with the benchmark's 2,000 products the direct load took 26.7 s (28.3 s with
 * the join), but 5M lookups in a list of 100,000 took 8.2 s (in the ENUM alone 1.3 s).
 */
export const PRODUCT_CODES_IN_LOOKUP_AT_MOST = 5_000;

const PRODUCT_CODES_TYPE = 'kumiwake_product_codes';

/**
 * The lookup a file's lines will be numbered later with, or undefined: when the file gives
 * line_no, or has other numbered columns or rows the mapping skips (the stage numbers over every
 * row of the file, skipped ones included), or is not loaded into a full load's side table. Creates
 * the ENUM type the lookup reads (dropLinesLater drops it); a master too large for it leaves the
 * category to copyMasterCategories.
 */
export async function linesLaterFor(db: DuckDBEngine, table: ImportTarget, plan: StagePlan): Promise<LinesLater | undefined> {
  if (table.table !== 'purchases' || table.into === undefined || plan.numbered.length > 0 || plan.skips) return undefined;
  if (plan.columns.some((c) => c.name === 'line_no')) return undefined;
  const products = await db.all<{ code: string; category: string | null }>(
    `SELECT product_code AS code, max(category) AS category FROM products GROUP BY product_code ORDER BY product_code LIMIT ${PRODUCT_CODES_IN_LOOKUP_AT_MOST + 1}`);
  const later = { productCategory: 'NULL::VARCHAR', categoriesLater: true };
  if (products.length > PRODUCT_CODES_IN_LOOKUP_AT_MOST) return later;
  // No SQL text can hold U+0000; the update reads the master's table.
  if (products.some((p) => p.code.includes('\u0000') || (p.category ?? '').includes('\u0000'))) return later;
  if (products.length === 0) return { productCategory: 'NULL::VARCHAR', categoriesLater: false };
  await db.run(`DROP TYPE IF EXISTS ${PRODUCT_CODES_TYPE}`);
  await db.run(`CREATE TYPE ${PRODUCT_CODES_TYPE} AS ENUM (${products.map((p) => sqlString(p.code)).join(', ')})`);
  const categories = `([${products.map((p) => (p.category === null ? 'NULL' : sqlString(p.category))).join(', ')}]::VARCHAR[])`;
  // A code the master lacks casts to NULL, and so does its category.
  return { productCategory: `${categories}[enum_code(TRY_CAST(src.product_code AS ${PRODUCT_CODES_TYPE})) + 1]`, categoriesLater: false };
}

/** Drops what linesLaterFor created (nothing refers to it once the lines are in). */
export async function dropLinesLater(db: DuckDBEngine): Promise<void> {
  await db.run(`DROP TYPE IF EXISTS ${PRODUCT_CODES_TYPE}`);
}

/** How numberLoadedLines runs: interrupted by `signal`, copying the master's categories or not. */
export interface Numbering {
  readonly signal?: AbortSignal;
  /**
   * Where each file after the first begins, in lines from the table's first (several files loaded
   * one after another): a line is numbered within its order in its own file, as a staged load of
   * each file numbers it, so an order in two files repeats a key (which the caller looks for).
   */
  readonly filesFrom?: readonly number[];
  /** the lines went in without their product category (LinesLater.categoriesLater) */
  readonly copyCategories: boolean;
  /** runs `work` in a transaction of its own, committed when it returns */
  readonly transaction: (work: () => Promise<void>) => Promise<void>;
  /** rowids numbered (and given categories) per transaction; ROWIDS_PER_UPDATE unless a test says */
  readonly rowidsPerTransaction?: bigint;
}

/**
 * Numbers the lines of a committed table loaded directly with LINE_NO_BEFORE_NUMBERING by their
 * position within their order in rowid order (the file's), and copies the master's categories onto
 * them when they went in without. The positions are computed once; only lines that are not their
 * order's first are updated, in ranges of rowids: one update of every line joined by rowid took
 * 18.8 s at 1x, ranges of 4M rows 3.7 s (each touches its own row groups). Each range is a
 * transaction of its own: DuckDB holds an update's old values in memory until its transaction
 * ends, and at 3x (60M lines, a master of 20,000 products) the categories copied in one
 * transaction ran out of the default 400 MB. The table is a full load's side table, no one's until
 * it takes purchases' place, so the ranges committed before a failure go with it.
 */
export async function numberLoadedLines(db: DuckDBEngine, table: string, numbering: Numbering): Promise<void> {
  const target = sqlIdent(table);
  const [range] = await db.all<{ first: bigint | null; last: bigint | null }>(`SELECT min(rowid) AS first, max(rowid) AS last FROM ${target}`);
  if (range?.first == null || range.last == null) return;
  const started = Date.now();
  const first = BigInt(range.first);
  const fileOf = (numbering.filesFrom ?? []).map((from) => `(rowid >= ${first + BigInt(from)})::INTEGER`).join(' + ');
  await db.run(`CREATE OR REPLACE TEMP TABLE ${LINE_NUMBERS} AS
    SELECT r, n FROM (SELECT rowid AS r, row_number() OVER (PARTITION BY order_id${fileOf ? `, ${fileOf}` : ''} ORDER BY rowid) AS n FROM ${target})
    WHERE n <> ${LINE_NO_BEFORE_NUMBERING}`);
  db.logger.debug({ statement: 'line numbers', ms: Date.now() - started }, 'numbering statement');
  try {
    const step = numbering.rowidsPerTransaction ?? ROWIDS_PER_UPDATE;
    for (let from = BigInt(range.first); from <= BigInt(range.last); from += step) {
      // A signal between two statements interrupts nothing inside DuckDB: looked at before each.
      throwIfAborted(numbering.signal);
      const to = from + step;
      await numbering.transaction(async () => {
        await db.run(`UPDATE ${target} SET line_no = l.n FROM ${LINE_NUMBERS} AS l
          WHERE ${target}.rowid = l.r AND l.r >= ${from} AND l.r < ${to} AND ${target}.rowid >= ${from} AND ${target}.rowid < ${to}`);
        if (numbering.copyCategories) await copyMasterCategories(db, target, `${target}.rowid >= ${from} AND ${target}.rowid < ${to}`);
      });
    }
    db.logger.debug({ statement: 'updates', ms: Date.now() - started }, 'numbering statement');
  } finally {
    await db.run(`DROP TABLE IF EXISTS ${LINE_NUMBERS}`).catch(() => undefined);
  }
}

const LINE_NUMBERS = 'kumiwake_line_numbers';
const ROWIDS_PER_UPDATE = 4_000_000n;
