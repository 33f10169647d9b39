import type { DuckDBEngine } from '../engine.js';
import { storesZstd, withColumnCompression, ZSTD_COLUMNS } from './column-compression.js';

/** The tables a full load fills beside them first: the large ones whose rows name customers. */
export type SideLoaded = 'purchases' | 'mail_events';

/**
 * A full load of purchases or mail events (into an empty table, or a replace) fills a side table
 * in one transaction and commits it (a purchases file without line_no then has its lines numbered
 * in a transaction of their own: lines-numbered-later.ts); a second transaction counts the
 * customers the customers table lacks, builds the purchase summaries from it and puts it in the
 * table's place (drop, rename). Over committed rows, the summaries' passes at 1x took 20.5 s where
 * the same passes over the import's own uncommitted lines took 32.9 s, and noting the customers
 * the customers table lacks 0.5 s against 3.0 s. The table itself is untouched until the second transaction commits,
 * so a failure in either leaves the database as it was: the side table is dropped after a failed
 * second transaction, and when the database is next opened (or imported into) if the process died
 * in between.
 */
const SIDE_PREFIX = 'kumiwake_loading_';

export const sideTableOf = (table: SideLoaded): string => `${SIDE_PREFIX}${table}`;

/** The table a side table is made like (a side table's name), else the name itself. */
const madeLike = (table: string): string => (table.startsWith(SIDE_PREFIX) ? table.slice(SIDE_PREFIX.length) : table);

const SIDE_LOADED: readonly SideLoaded[] = ['purchases', 'mail_events'];

export const isSideLoaded = (table: string): table is SideLoaded => (SIDE_LOADED as readonly string[]).includes(table);

/** Creates the side table with the table's own columns, constraints and defaults (`group:` columns included). */
export async function createSideTable(db: DuckDBEngine, table: SideLoaded): Promise<void> {
  await db.run(`CREATE TABLE ${sideTableOf(table)}(${await tableElements(db, table)})`);
}

/**
 * What is between the parentheses of DuckDB's own CREATE TABLE text of `table`: its columns with
 * their types and defaults, and its constraints, as DuckDB would make the table again, plus the
 * columns' chosen compression, which that text leaves out (column-compression.ts).
 */
export async function tableElements(db: DuckDBEngine, table: string): Promise<string> {
  const [made] = await db.all<{ sql: string }>(`SELECT sql FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = $t`, { t: table });
  const parts = made ? /^CREATE TABLE (?:main\.)?(?:"(?:[^"]|"")*"|\w+)\s*\(([\s\S]*)\);?\s*$/i.exec(made.sql) : null;
  if (!made || !parts) throw new Error(`cannot read how the ${table} table is made (${made?.sql.slice(0, 60) ?? 'no such table'})`);
  const like = madeLike(table);
  return ZSTD_COLUMNS[like] && (await storesZstd(db)) ? withColumnCompression(like, parts[1]!) : parts[1]!;
}

/**
 * Whether each event of the mail events' side table is there once. By then every event holds its
 * customer's number (customer-numbers.ts numberMissingCustomers), which stands for the id in the
 * hash (one id, one number): at 1x 1.3-1.5 s against 1.8 s hashing the text ids. Distinct hashes
 * prove distinct events, and counting them is far cheaper than DISTINCT over the rows; two hashes
 * that meet (a duplicate, or rarely a collision) only cost the rebuild of keepSideEventsOnce. Over
 * committed events the pass is quicker than inside the load's transaction (at 1x 1.9 s against
 * 2.3-2.8 s).
 */
export async function eachSideEventOnce(db: DuckDBEngine): Promise<boolean> {
  const [check] = await db.all<{ events: bigint; distinct: bigint }>(
    `SELECT count(*) AS events, count(DISTINCT hash(customer_no, mail_id, event, occurred_at)) AS distinct FROM ${sideTableOf('mail_events')}`);
  return check!.events === check!.distinct;
}

/**
 * Makes the mail events' side table again from its distinct rows, after eachSideEventOnce met two
 * equal hashes: deleting every committed row would pin DuckDB's version information (16 KB per
 * 2,048 rows) until the commit. DISTINCT gives the rows in no order, so they are put in time order
 * (windows prune by it: time-order.ts).
 */
export async function keepSideEventsOnce(db: DuckDBEngine): Promise<void> {
  await remakeSideTable(db, 'mail_events', (side) => `SELECT DISTINCT * FROM ${side} ORDER BY occurred_at`);
}

/**
 * Puts in `table`'s place a table made like it (columns, constraints, defaults) holding the rows
 * of `rows(table)`, stored in that query's order, built under the name `remade`. Inside the
 * caller's transaction: the new table is only ever seen under `table`'s name. The order holds
 * because DuckDB keeps insertion order, which only the direct load turns off, and turns on again
 * when it ends (loadWithoutStage in run-import.ts).
 */
export async function remakeTable(db: DuckDBEngine, table: string, rows: (table: string) => string, remade = `kumiwake_remaking_${table}`): Promise<void> {
  await db.run(`CREATE TABLE ${remade}(${await tableElements(db, table)})`);
  await db.run(`INSERT INTO ${remade} ${rows(table)}`);
  await db.run(`DROP TABLE ${table}`);
  await db.run(`ALTER TABLE ${remade} RENAME TO ${table}`);
}

/** remakeTable for a side table (named after the table it will replace while it is made). */
export const remakeSideTable = (db: DuckDBEngine, table: SideLoaded, rows: (side: string) => string): Promise<void> =>
  remakeTable(db, sideTableOf(table), rows, `kumiwake_remaking_${table}`);

/**
 * Gives the committed side table of mail events loaded without numbers (load.ts
 * numbersFitBesideReader) each event's number from its customers row, as the load's join would
 * have: an event whose customer the table lacks keeps none, for customer-numbers.ts
 * numberMissingCustomers. Run in a transaction of its own: in the one that finishes the import,
 * the 82M events of a 3x shop of 36-character ids written again ran out of the default 400 MB.
 */
export async function numberSideEvents(db: DuckDBEngine): Promise<void> {
  await remakeSideTable(db, 'mail_events', (side) => `SELECT e.* REPLACE (c.customer_no AS customer_no)
    FROM ${side} AS e LEFT JOIN customers AS c ON c.customer_id = e.customer_id`);
}

/** Puts the side table in the table's place (inside the transaction that finishes the import). */
export async function swapInSideTable(db: DuckDBEngine, table: SideLoaded): Promise<void> {
  await db.run(`DROP TABLE ${table}`);
  await db.run(`ALTER TABLE ${sideTableOf(table)} RENAME TO ${table}`);
}

/** Drops the side tables a failed or killed load left (outside any transaction). */
export async function dropSideTables(db: DuckDBEngine): Promise<void> {
  for (const table of SIDE_LOADED) await db.run(`DROP TABLE IF EXISTS ${sideTableOf(table)}`);
  await db.run(`DROP TABLE IF EXISTS ${MISSING_CUSTOMERS}`);
}

/**
 * The distinct customers of a full load's mail events without a number (customer-numbers.ts
 * numberMissingCustomers), kept while they are numbered; a killed import leaves it for
 * dropSideTables. A table, not a temporary one: 3M ids of 36 characters stay on disk.
 */
export const MISSING_CUSTOMERS = 'kumiwake_missing_customers';
