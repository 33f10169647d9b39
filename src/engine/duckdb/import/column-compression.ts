import type { DuckDBEngine } from '../engine.js';

/**
 * Columns stored with a compression chosen here rather than by DuckDB's analysis
 * (`USING COMPRESSION` in sql/schema.sql). DuckDB keeps a column's chosen compression in its
 * catalog but leaves it out of the table's CREATE TABLE text (`duckdb_tables().sql`), so a table
 * made again from that text (side tables, sorted copies: side-load.ts tableElements) gets it from
 * here; test/unit/column-compression.test.ts checks that schema.sql and this list agree.
 *
 * mail_events.customer_id: a million distinct ids over 27M events at 1x. DuckDB's default string
 * compression (DICT_FSST) analyses and compresses every segment: writing that one column took
 * 5.1-5.5 s of the 8.9 s `read_csv` of the whole file into a table, ZSTD 3.4 s (the column 227
 * against 162 MB on disk). Counts join events by customer number (customer_no), not by this
 * column; the benchmark's hand-written mail queries, which join by it, took 93-101 ms on DICT_FSST
 * and 89-97 ms on ZSTD (src/bench/HISTORY.md, session 32).
 * customer_products.customer_id and only_order_id: 8.2M rows at 1x, nearly every order id distinct;
 * the product summary's statement took 8.8-8.9 s against 9.3-9.8 s (the purchases import 0.5-0.9 s
 * less). Counts read the rows of a segment's few products only: the benchmark's product rows and
 * combined segments took the same times on both (src/bench/HISTORY.md, session 33).
 * (purchases.order_id and customer_id would save 2.2 and 0.7 s of a 45 s import, but full scans
 * of the lines, which group by them, took a fifth longer: not taken.)
 */
export const ZSTD_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  mail_events: ['customer_id'],
  customer_products: ['customer_id', 'only_order_id'],
};

/**
 * Whether the open database's storage format has ZSTD for strings (DuckDB 1.2 and later). A file
 * made before the engine asked for the newest format (engine.ts) keeps its own, where a column
 * asking for ZSTD is stored uncompressed: such a file keeps DuckDB's choice.
 */
export async function storesZstd(db: DuckDBEngine): Promise<boolean> {
  const [row] = await db.all<{ version: string | null }>(
    `SELECT tags['storage_version'] AS version FROM duckdb_databases() WHERE database_name = current_database()`);
  const match = /^v(\d+)\.(\d+)/.exec(row?.version ?? '');
  // An in-memory database has no storage version and stores nothing compressed.
  const [major, minor] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  return major > 1 || (major === 1 && minor >= 2);
}

/**
 * The elements of a CREATE TABLE (what is between its parentheses, as DuckDB writes them) with
 * `USING COMPRESSION zstd` after each column of `table` that ZSTD_COLUMNS names.
 */
export function withColumnCompression(table: string, elements: string): string {
  const columns = ZSTD_COLUMNS[table];
  if (!columns) return elements;
  return splitTopLevel(elements)
    // A DuckDB that writes the clause itself keeps its own.
    .map((element) => (columns.includes(columnNameOf(element) ?? '') && !/USING COMPRESSION/i.test(element) ? `${element} USING COMPRESSION zstd` : element))
    .join(',');
}

/** The column an element defines (`name TYPE ...` or `"name" TYPE ...`); undefined for a constraint. */
function columnNameOf(element: string): string | undefined {
  const match = /^\s*(?:"((?:[^"]|"")*)"|(\w+))\s/.exec(element);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replaceAll('""', '"') : match[2];
}

/** Splits at the commas outside parentheses and quotes (defaults such as `DEFAULT(CAST('t' AS BOOLEAN))`). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined; // a doubled quote closes and reopens: the same split
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
