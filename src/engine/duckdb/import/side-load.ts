import type { DuckDBEngine } from '../engine.js';

/**
 * A full load of purchases (into an empty table, or a replace) fills this side table in one
 * transaction and commits it; a second transaction builds the summaries from it and puts it in
 * purchases' place (drop, rename). The summaries' passes over committed lines took 20.5 s at 1x
 * where the same passes over the import's own uncommitted lines took 32.9 s. purchases itself is
 * untouched until the second transaction commits, so a failure in either leaves the database as
 * it was: the side table is dropped after a failed second transaction, and by the next import
 * when the process died in between.
 */
export const SIDE_LINES = 'kumiwake_loading_purchases';

/** Creates the side table with purchases' own columns, constraints and defaults (`group:` columns included). */
export async function createSideTable(db: DuckDBEngine): Promise<void> {
  const [table] = await db.all<{ sql: string }>(`SELECT sql FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'purchases'`);
  const created = table ? /^CREATE TABLE (?:main\.)?"?purchases"?\s*\(/i.exec(table.sql) : null;
  if (!table || !created) throw new Error(`cannot read how the purchases table is made (${table?.sql.slice(0, 60) ?? 'no such table'})`);
  await db.run(`CREATE TABLE ${SIDE_LINES}(${table.sql.slice(created[0].length)}`);
}

/** Puts the side table in purchases' place (inside the transaction that built the summaries from it). */
export async function swapInSideTable(db: DuckDBEngine): Promise<void> {
  await db.run('DROP TABLE purchases');
  await db.run(`ALTER TABLE ${SIDE_LINES} RENAME TO purchases`);
}

/** Drops a side table a failed or killed load left (outside any transaction). */
export async function dropSideTable(db: DuckDBEngine): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS ${SIDE_LINES}`);
}
