import { readFileSync } from 'node:fs';
import type { DuckDBEngine } from '../engine.js';
import { remakeTable } from './side-load.js';

/**
 * Lines whose product category one update may bring up to date; a products import that changes
 * more makes the lines' table again instead, the categories joined on. DuckDB holds every value an
 * update changes in memory until its transaction ends: at 3x the categories of 60M lines, copied by
 * one update, ran out of the default 400 MB, as did 4M-line ranges of them in one transaction after
 * 16M lines (categories of 14 bytes). Making the table again writes it like a load, which spills: at
 * 1x, every line recategorised, 15.3 s (the update would have taken about 9 s with its commit).
 */
export const LINES_UPDATED_IN_PLACE_AT_MOST = 4_000_000;

/** Each product's category in the master (a code listed twice: the greatest, as the update takes it). */
const MASTER = 'SELECT product_code, max(category) AS category FROM products GROUP BY product_code';

/** The order lines' update (sql/product-categories.sql), read once: a full load runs it a range at a time. */
const PRODUCT_CATEGORIES = readFileSync(new URL('../../../../sql/product-categories.sql', import.meta.url), 'utf8');

/**
 * Copies each product's master category onto the order lines of `lines` (purchases, or a full
 * load's side table whose lines went in without it: lines-numbered-later.ts), those of `rows` (a
 * condition on them) only. Every line of `lines`, when more than `inPlaceAtMost` would change: by
 * making the table again (see LINES_UPDATED_IN_PLACE_AT_MOST).
 */
export async function copyMasterCategories(db: DuckDBEngine, lines = 'purchases', rows = 'true', inPlaceAtMost = LINES_UPDATED_IN_PLACE_AT_MOST): Promise<void> {
  const started = Date.now();
  if (rows === 'true' && (await linesToChange(db, lines)) > inPlaceAtMost) {
    // In the order DuckDB keeps through the join (at 1x a join put 233 of 19M lines out of order:
    // the time order windows prune by holds).
    await remakeTable(db, lines, (old) => `SELECT l.* REPLACE (master.category AS product_category)
      FROM ${old} AS l LEFT JOIN (${MASTER}) AS master ON master.product_code = l.product_code`);
    db.logger.debug({ statement: 'product categories, table made again', lines, ms: Date.now() - started }, 'derived statement');
    return;
  }
  await db.run(PRODUCT_CATEGORIES.replaceAll(':lines', lines).replaceAll(':rows', `(${rows})`));
  db.logger.debug({ statement: 'product categories', lines, rows, ms: Date.now() - started }, 'derived statement');
}

/** How many lines' copy of the master category is out of date (sql/product-categories.sql would write them). */
async function linesToChange(db: DuckDBEngine, lines: string): Promise<number> {
  const [stale] = await db.all<{ lines: bigint }>(`SELECT count(*) AS lines FROM ${lines} AS l
    LEFT JOIN (${MASTER}) AS master ON master.product_code = l.product_code
    WHERE l.product_category IS DISTINCT FROM master.category`);
  return Number(stale!.lines);
}
