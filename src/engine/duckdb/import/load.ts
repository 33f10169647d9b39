import type { DuckDBEngine } from '../engine.js';
import { sqlIdent } from '../../../dialect/duckdb/sql-text.js';
import type { TableDef } from '../../../catalog/tables.js';
import { STAGE_TABLE, type StagePlan } from './stage.js';
import { salesStatusCondition } from './derived.js';
import { noteOrdersAfter, noteOrdersBefore, ORDER_LINES_BEFORE } from './order-deltas.js';
import { tableElements } from './side-load.js';
import { upsertByKey } from './upsert-by-key.js';
import { LINE_NO_BEFORE_NUMBERING, type LinesLater } from './lines-numbered-later.js';

export type ImportMode = 'upsert' | 'replace' | 'append';

const q = sqlIdent;

/**
 * The table an import writes: the catalog's own, or (`into`) the side table a full load of
 * purchases or mail events fills before it takes the table's place (side-load.ts). The catalog's
 * name still says what the rows are.
 */
export type ImportTarget = TableDef & {
  readonly into?: string;
  /** mail events loaded without their customers' numbers, given them once committed (numbersFitBesideReader) */
  readonly numberedOnceCommitted?: boolean;
};

/** The name of the table an import writes. */
export const storedIn = (table: ImportTarget): string => table.into ?? table.table;

/** Adds the `attr:NAME` / `group:NAME` columns the table does not have yet; returns those added. */
export async function addGroupColumns(db: DuckDBEngine, table: ImportTarget, columns: readonly string[]): Promise<string[]> {
  const existing = new Set((await db.all<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns WHERE table_name = $t`, { t: storedIn(table) })).map((r) => r.name));
  const added = [...new Set(columns)].filter((c) => !existing.has(c));
  if (added.length > ALTERED_COLUMNS_AT_MOST) await widenTable(db, storedIn(table), added);
  else for (const column of added) await db.run(`ALTER TABLE ${q(storedIn(table))} ADD COLUMN ${q(column)} VARCHAR`);
  return added;
}

/**
 * New columns added one ALTER TABLE each, at most; more, and the table is made again with them.
 * Inside the import's transaction DuckDB keeps every altered version of the table until the
 * commit: the 299 ALTERs of a 300-column customers file took 149 MB before a row was read, and
 * left its commit short of memory at the default limit.
 */
const ALTERED_COLUMNS_AT_MOST = 16;

/**
 * Makes `table` again from DuckDB's own CREATE TABLE text of it (constraints and defaults kept)
 * with `added` as more VARCHAR columns at its end, where ALTER TABLE would put them, and its rows.
 */
async function widenTable(db: DuckDBEngine, table: string, added: readonly string[]): Promise<void> {
  await db.run(`CREATE TABLE ${WIDENED_TABLE}(${await tableElements(db, table)}, ${added.map((c) => `${q(c)} VARCHAR`).join(', ')})`);
  await db.run(`INSERT INTO ${WIDENED_TABLE} BY NAME SELECT * FROM ${q(table)}`);
  await db.run(`DROP TABLE ${q(table)}`);
  await db.run(`ALTER TABLE ${WIDENED_TABLE} RENAME TO ${q(table)}`);
}

const WIDENED_TABLE = 'kumiwake_widened';

/** Empties what a `replace` import replaces. */
export async function emptyTable(db: DuckDBEngine, table: ImportTarget): Promise<void> {
  await db.run(`DELETE FROM ${q(storedIn(table))}`);
}

export async function isEmpty(db: DuckDBEngine, table: string): Promise<boolean> {
  return (await db.all(`SELECT 1 FROM ${q(table)} LIMIT 1`)).length === 0;
}

/**
 * The table's columns this file fills, and the SQL giving each from a staged row. `linesLater`:
 * a purchases file without line numbers gets line_no 1 on every line, numbered after the load
 * (lines-numbered-later.ts), and its product categories from that file's lookup.
 */
function targetColumns(table: TableDef, plan: StagePlan, linesLater?: LinesLater): { names: string[]; select: string[] } {
  const has = (name: string) => plan.columns.some((c) => c.name === name) || plan.numbered.some((n) => n.column.name === name);
  const names = [...plan.columns.map((c) => c.name), ...plan.groupColumns];
  const select = names.map((c) => q(c));
  // Numbered by the mapping (`numberWithin`): the row's position within its group in the file.
  for (const { column, within } of plan.numbered) {
    names.push(column.name);
    select.push(`row_number() OVER (${within.length > 0 ? `PARTITION BY ${within.map(q).join(', ')} ` : ''}ORDER BY _pos) AS ${q(column.name)}`);
  }
  if (table.table === 'purchases') {
    if (!has('line_no')) {
      // The line's position within its order in the file, counted over every row of the file so
      // that a rejected line does not renumber the others.
      names.push('line_no');
      select.push(linesLater ? `${LINE_NO_BEFORE_NUMBERING} AS line_no` : 'row_number() OVER (PARTITION BY order_id ORDER BY _pos) AS line_no');
    }
    // The product master's category, copied as the lines go in (see sql/product-categories.sql).
    names.push('product_category');
    select.push(`${linesLater?.productCategory ?? '(SELECT max(m.category) FROM products AS m WHERE m.product_code = src.product_code)'} AS product_category`);
    const fromPrice = has('unit_price') ? `CAST(${has('quantity') ? 'quantity' : '1'} * unit_price AS DECIMAL(18, 4))` : 'NULL';
    if (has('amount')) select[names.indexOf('amount')] = `COALESCE(amount, ${fromPrice}) AS amount`;
    else {
      names.push('amount');
      select.push(`${fromPrice} AS amount`);
    }
  }
  return { names, select };
}

/** Some column is numbered by file order: the rows need the stage, and windows over it. */
const numbersRows = (table: TableDef, plan: StagePlan): boolean =>
  plan.numbered.length > 0 || (table.table === 'purchases' && !plan.columns.some((c) => c.name === 'line_no'));

/**
 * Can the file go straight from the CSV reader into the table, without a stage? Only when every
 * row is good, the table is empty (nothing to merge with; or a full load's side table whose
 * repeated keys are looked for after its last file) and nothing needs the file order
 * (a purchases file without line numbers is numbered by position), unless its lines are
 * numbered after the load (`linesLater`, lines-numbered-later.ts).
 */
export function canLoadDirectly(table: TableDef, plan: StagePlan, linesLater?: LinesLater): boolean {
  return !numbersRows(table, plan) || linesLater !== undefined;
}

/** Raised (inside DuckDB, by `error()`) when the direct path meets a bad row. */
export const BAD_ROW_SIGNAL = 'kumiwake: a bad row needs the staged path';

/**
 * Inserts the file's rows straight from the CSV reader into an empty table, in one pass, and
 * returns how many went in, or undefined (leaving the table empty again) when a key repeats
 * within the file: the staged path then keeps each key's last row. Without `checksKeys` the
 * caller looks for a repeated key after its last file (several files of a full load, the later
 * ones appended to the side table the earlier ones filled), and nothing is deleted. A bad row
 * stops the insert with BAD_ROW_SIGNAL (the transaction is then rolled back and the import
 * staged, which finds the row's line). An empty mail events table is always a full load's side
 * table: its events are kept once, and counted, after its commit (side-load.ts).
 */
export async function loadDirectly(
  db: DuckDBEngine, table: ImportTarget, plan: StagePlan, path: string, mode: ImportMode, linesLater?: LinesLater, checksKeys = true,
): Promise<{ inserted: number; stored: number } | undefined> {
  const { names, select } = targetColumns(table, plan, linesLater);
  const guarded = [`CASE WHEN _bad IS NOT NULL THEN error('${BAD_ROW_SIGNAL}') ELSE ${select[0]} END AS ${q(names[0]!)}`, ...select.slice(1)];
  const rows = `SELECT ${guarded.join(', ')} FROM (${plan.directSelect}) AS src WHERE NOT _skip`;
  const target = q(storedIn(table));
  const inserted = table.table === 'mail_events' && !table.numberedOnceCommitted
    ? await db.change(withCustomerNumbers(target, names, rows), { path })
    : await db.change(`INSERT INTO ${target} (${names.map(q).join(', ')}) ${rows}`, { path });
  // A line repeating the header (files joined end to end) went in as a row: the stage skips it.
  if (plan.headerAgain && (await db.all(`SELECT 1 FROM ${target} WHERE ${q(plan.headerAgain.column)} = $text LIMIT 1`, { text: plan.headerAgain.text })).length > 0) {
    throw new Error(BAD_ROW_SIGNAL);
  }
  // Lines numbered later cannot repeat a key: each is its order's n-th.
  if (checksKeys && table.key.length > 0 && mode !== 'append' && linesLater === undefined && (await repeatsKey(db, target, table.key))) {
    await db.run(`DELETE FROM ${target}`);
    return undefined;
  }
  return { inserted, stored: inserted };
}

/**
 * Whether the customers' ids are few or short enough for the number join to hold them beside the
 * CSV reader's buffers. Ids longer than 12 bytes are kept apart from the values, and with 3,000,000
 * customers of 36-character ids (108 MB of them) the load ran out of the default 400 MB 1.4 s in;
 * 1,000,000 of them (36 MB) loaded in 15.6 s. Past LONG_ID_BYTES a full load's events go in
 * without numbers and get them once committed, in a transaction of their own (side-load.ts
 * numberSideEvents).
 */
export async function numbersFitBesideReader(db: DuckDBEngine, bytesAtMost = LONG_ID_BYTES): Promise<boolean> {
  const [ids] = await db.all<{ bytes: bigint | null }>(`SELECT sum(strlen(customer_id)) FILTER (WHERE strlen(customer_id) > 12) AS bytes FROM customers`);
  return Number(ids?.bytes ?? 0) <= bytesAtMost;
}
export const LONG_ID_BYTES = 64_000_000;

/**
 * The INSERT of mail events `rows` (columns `names`) into `target`, each with its customer's
 * number from the customers table (customer-numbers.ts): a customer the table lacks leaves it
 * empty, to be counted and numbered afterwards (numberRows, numberMissingCustomers). In the direct
 * load at 1x the join cost 1 to 3 s, and saved 0.6 s of that count: the price of mail conditions
 * joined by number (customer-numbers.ts).
 */
function withCustomerNumbers(target: string, names: readonly string[], rows: string): string {
  return `INSERT INTO ${target} (${[...names, 'customer_no'].map(q).join(', ')})
    SELECT r.*, c.customer_no FROM (${rows}) AS r LEFT JOIN customers AS c ON c.customer_id = r.customer_id`;
}

/**
 * Moves the good rows of the stage table into the table. Upsert (and replace, after emptying)
 * merges by the table's key: a key seen twice in one file keeps its last row; an existing row gets
 * the columns the file has and keeps the others. Mail events have no key: an event already
 * stored is not stored again.
 */
export async function loadStage(db: DuckDBEngine, table: ImportTarget, plan: StagePlan, mode: ImportMode): Promise<number> {
  const { names, select } = targetColumns(table, plan);
  const key = table.key;
  const source = `(SELECT *, rowid AS _pos FROM ${STAGE_TABLE}) AS src`;
  const ordered = numbersRows(table, plan);
  // A key completed by numbering rows (line_no) cannot repeat within the file.
  const numberedKey = key.some((k) => !plan.columns.some((c) => c.name === k));
  // Collapsing repeated keys needs a window over the whole file: pay for it only when a key repeats.
  const good = '_bad IS NULL AND NOT _skip';
  const dedupe = key.length > 0 && mode !== 'append' && !numberedKey && (await repeatsKey(db, `${STAGE_TABLE} WHERE ${good}`, key));
  const lastOfKey = ` QUALIFY row_number() OVER (PARTITION BY ${key.map(q).join(', ')} ORDER BY _p DESC) = 1`;
  // Window functions run before WHERE: number the rows over the whole file, then filter.
  const rows = ordered
    ? `SELECT * EXCLUDE (_ok, _p) FROM (SELECT ${select.join(', ')}, _pos AS _p, ${good} AS _ok FROM ${source}) WHERE _ok` + (dedupe ? lastOfKey : '')
    : `SELECT ${select.join(', ')} FROM ${source} WHERE ${good}` +
      (dedupe ? ` QUALIFY row_number() OVER (PARTITION BY ${key.map(q).join(', ')} ORDER BY _pos DESC) = 1` : '');
  const target = q(storedIn(table));
  const columnList = names.map(q).join(', ');
  const empty = await isEmpty(db, storedIn(table));
  // Into an empty table or a side table, everyone's summaries are rebuilt anyway: nothing to note.
  const notesOrders = table.table === 'purchases' && table.into === undefined && mode !== 'replace' && !empty;
  if (notesOrders) await noteOrdersBefore(db, await salesStatusCondition(db));

  if (table.table === 'mail_events') {
    const fresh = empty
      ? `SELECT DISTINCT * FROM (${rows})`
      : `SELECT * FROM (${rows}) EXCEPT SELECT ${columnList} FROM ${target}`;
    return db.change(withCustomerNumbers(target, names, fresh));
  }
  if (mode === 'append' || empty) {
    const inserted = await db.change(`INSERT INTO ${target} (${columnList}) ${rows}`);
    if (notesOrders) await noteOrdersAfter(db);
    return inserted;
  }
  // The file's rows once: read several times, and a key completed by numbering (line_no) is only there.
  await db.run(`CREATE OR REPLACE TABLE ${FILE_ROWS_TABLE} AS ${rows}`);
  let stored: number;
  if (plan.width > WIDE_FILE_COLUMNS) stored = await replaceMatchedRows(db, table, names, FILE_ROWS_TABLE);
  else {
    // Counts every row of the file as stored (a key matched or added), changed or not.
    // The stored lines a purchases file's keys can match were copied with their orders.
    const { matched, added } = await upsertByKey(db, { table: storedIn(table), key, columns: names, source: FILE_ROWS_TABLE, ...(notesOrders ? { storedRows: ORDER_LINES_BEFORE } : {}) });
    stored = matched + added;
  }
  if (notesOrders) await noteOrdersAfter(db, { table: FILE_ROWS_TABLE, columns: names });
  await db.run(`DROP TABLE ${FILE_ROWS_TABLE}`);
  return stored;
}

const FILE_ROWS_TABLE = 'kumiwake_file_rows';

/** Files wider than this load on one thread and upsert by replacing rows (see replaceMatchedRows). */
export const WIDE_FILE_COLUMNS = 100;

/**
 * The upsert of a wide file: an update holds every column's old values, and a MERGE of 300
 * columns ran out of the default memory. Here the rows a file updates are deleted and inserted
 * again, with the columns the file lacks copied from the stored row (kept first in a table of
 * those columns only); new rows take the schema's defaults. (Deleting pins 16 KB per touched
 * 2,048-row vector until the commit: fine for the few thousand rows of a wide file.)
 */
async function replaceMatchedRows(db: DuckDBEngine, table: ImportTarget, names: readonly string[], fileRows: string): Promise<number> {
  const target = q(storedIn(table));
  const key = table.key.map(q);
  const keyList = key.join(', ');
  // Every stored column, attr:/group: columns included (the catalog does not list those).
  const stored = (await db.all<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position`, { t: storedIn(table) })).map((r) => r.name);
  const kept = stored.filter((c) => !names.includes(c) && !table.key.includes(c)).map(q);
  const matched = `(${keyList}) IN (SELECT ${keyList} FROM ${fileRows})`;
  await db.run(`CREATE OR REPLACE TABLE ${KEPT_TABLE} AS SELECT ${[...key, ...kept].join(', ')} FROM ${target} WHERE ${matched}`);
  await db.run(`DELETE FROM ${target} WHERE ${matched}`);
  const fileColumns = names.map(q);
  const all = [...fileColumns, ...kept].join(', ');
  const on = key.map((k) => `s.${k} = k.${k}`).join(' AND ');
  const updated = await db.change(`INSERT INTO ${target} (${all})
    SELECT ${[...fileColumns.map((c) => `s.${c}`), ...kept.map((c) => `k.${c}`)].join(', ')} FROM ${fileRows} AS s JOIN ${KEPT_TABLE} AS k ON ${on}`);
  const added = await db.change(`INSERT INTO ${target} (${fileColumns.join(', ')})
    SELECT ${fileColumns.map((c) => `s.${c}`).join(', ')} FROM ${fileRows} AS s WHERE NOT EXISTS (SELECT 1 FROM ${KEPT_TABLE} AS k WHERE ${on})`);
  await db.run(`DROP TABLE ${KEPT_TABLE}`);
  return updated + added;
}

const KEPT_TABLE = 'kumiwake_kept_columns';

/**
 * Does a key repeat among the rows of `from` (a table, optionally with a WHERE clause)? Distinct
 * hashes of the keys prove distinct keys, and counting them is cheaper than grouping the keys
 * (19M lines at 1x: 2.8 s against 3.8 s); only when two hashes meet are the keys grouped.
 */
export async function repeatsKey(db: DuckDBEngine, from: string, key: readonly string[]): Promise<boolean> {
  const keys = key.map(q).join(', ');
  const [hashes] = await db.all<{ distinct: boolean }>(`SELECT count(*) = count(DISTINCT hash(${keys})) AS distinct FROM ${from}`);
  if (hashes!.distinct) return false;
  const rows = await db.all(`SELECT 1 FROM ${from} GROUP BY ${keys} HAVING count(*) > 1 LIMIT 1`);
  return rows.length > 0;
}
