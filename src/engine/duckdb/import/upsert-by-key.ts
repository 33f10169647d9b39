import { sqlIdent as q } from '../../../dialect/duckdb/sql-text.js';
import type { DuckDBEngine } from '../engine.js';

/** Rows to bring into a keyed table: a file's rows, or a summary's fresh rows. */
export interface KeyedRows {
  /** the table brought up to date */
  readonly table: string;
  readonly key: readonly string[];
  /** the columns `source` holds, key included; the table's other columns are left as stored (defaults for new keys) */
  readonly columns: readonly string[];
  /** a table holding the rows, one per key */
  readonly source: string;
  /**
   * a copy of (at least) every stored row whose key `source` may hold, made in this transaction,
   * with the row's rowid in the table as STORED_ROWID: the rows are matched in it, and updated
   * and found missing by it, instead of by a join with every row of the table (default: the table)
   */
  readonly storedRows?: string;
}

/** The column of `storedRows` holding each row's rowid in the table (stable within the transaction: nothing is deleted). */
export const STORED_ROWID = 'kumiwake_rowid';

/**
 * Brings `source`'s rows into the table by key: stored rows get the values of the columns that
 * differ somewhere in `source` (the others are not written), keys the table lacks are inserted.
 * Never a delete and an insert: DuckDB pins, until the transaction ends, 16 KB of version
 * information per 2,048-row vector holding a deleted row, and a 1% upsert in a cart's order has
 * rows in nearly every vector of the order lines and of the summaries (410 MB of customer_products
 * at 3x, beyond the default 400 MB); an update's old values can spill. Only what changed: an
 * update costs per touched vector and per column, and setting every column of 191,105 lines (MERGE …
 * UPDATE SET) took 8 s at 1x where setting the one changed column took 0.9 s.
 */
export async function upsertByKey(db: DuckDBEngine, rows: KeyedRows): Promise<{ matched: number; added: number }> {
  const target = q(rows.table);
  const values = rows.columns.filter((c) => !rows.key.includes(c));
  const sameKey = rows.key.map((k) => `t.${q(k)} = s.${q(k)}`).join(' AND ');
  // One join of the stored rows with the new ones: which columns differ.
  await db.run(`CREATE OR REPLACE TABLE ${MATCHED_TABLE} AS SELECT ${values.map((c, i) => `t.${q(c)} IS DISTINCT FROM s.${q(c)} AS c${i}, `).join('')}true AS _matched
    FROM ${rows.storedRows ?? target} AS t JOIN ${rows.source} AS s ON ${sameKey}`);
  const [found] = await db.all<Record<string, bigint | boolean | null>>(
    `SELECT count(*) AS _matched ${values.map((_, i) => `, bool_or(c${i}) AS c${i}`).join('')}, (SELECT count(*) FROM ${rows.source}) AS _rows FROM ${MATCHED_TABLE}`);
  await db.run(`DROP TABLE ${MATCHED_TABLE}`);
  const changed = values.filter((_, i) => found![`c${i}`] === true);
  if (changed.length > 0) {
    const set = changed.map((c) => `${q(c)} = s.${q(c)}`).join(', ');
    const differs = `NOT (${changed.map((c) => `t.${q(c)} IS NOT DISTINCT FROM s.${q(c)}`).join(' AND ')})`;
    // By rowid: the table's rows are probed by an integer its scan does not read from storage,
    // not by the key's text (at 1x, the 191,105 lines of a 1% upsert: 0.56 -> 0.32 s).
    await db.run(rows.storedRows
      ? `UPDATE ${target} AS t SET ${set} FROM (
          SELECT t.${STORED_ROWID}, ${changed.map((c) => `s.${q(c)}`).join(', ')} FROM ${rows.storedRows} AS t JOIN ${rows.source} AS s ON ${sameKey} WHERE ${differs}
        ) AS s WHERE t.rowid = s.${STORED_ROWID}`
      : `UPDATE ${target} AS t SET ${set} FROM ${rows.source} AS s WHERE ${sameKey} AND ${differs}`);
  }
  // Every key is stored already (an upsert of changed rows): nothing to add.
  const added = found!._matched === found!._rows ? 0 : await db.change(`INSERT INTO ${target} (${rows.columns.map(q).join(', ')})
    SELECT ${rows.columns.map((c) => `s.${q(c)}`).join(', ')} FROM ${rows.source} AS s LEFT JOIN ${rows.storedRows ?? target} AS t ON ${sameKey} WHERE t.${q(rows.key[0]!)} IS NULL`);
  return { matched: Number(found!._matched), added };
}

const MATCHED_TABLE = 'kumiwake_matched_rows';
