import { KumiwakeError } from '../../errors.js';
import type { TableName } from '../../catalog/tables.js';
import { sqlIdent } from '../../dialect/duckdb/sql-text.js';
import { chIdent, chString } from '../../dialect/clickhouse/literal.js';
import type { DuckDBEngine } from '../duckdb/engine.js';
import type { ClickHouseCluster } from './cluster.js';
import { notADateTime } from './file-columns.js';
import { sendTsvSlices } from './tsv-slices.js';
import { rebuildSummary, salesBasisOf } from './customer-summary.js';
import { addColumnStatement, clickHouseTable, clickHouseTables, FOLDED_SUFFIX, hasFoldedCopy, IMPORT_ID_COLUMN, qualifiedName, SHARDING_KEY, storedName, type Layout } from './schema.js';

/** A column sent to ClickHouse: its name, and the DuckDB SQL giving its TSV field (never NULL). */
interface Sent {
  readonly name: string;
  readonly select: string;
}

/**
 * TSV's escapes for text, in DuckDB SQL: backslash, tab, line feed and carriage return (a
 * DuckDB string holds no NUL). ClickHouse reads the field back as the same text. Text without
 * any of them (nearly all) skips the four replaces: 0.27 of 1.0 CPU s per 1M order lines.
 */
const tsvEscaped = (text: string) => String.raw`CASE WHEN strpos(${text}, '\') = 0 AND strpos(${text}, chr(9)) = 0 AND strpos(${text}, chr(10)) = 0 AND strpos(${text}, chr(13)) = 0 ` +
  String.raw`THEN ${text} ELSE replace(replace(replace(replace(${text}, '\', '\\'), chr(9), '\t'), chr(10), '\n'), chr(13), '\r') END`;

/**
 * An Array(String) field: each element quoted, its backslashes, quotes, tabs and line breaks
 * escaped, and the field not escaped again (ClickHouse reads an array's text as it writes it).
 */
const arrayField = (list: string) => {
  const element = String.raw`chr(39) || replace(${tsvEscaped('COALESCE(t, \'\')')}, chr(39), '\' || chr(39)) || chr(39)`;
  return `COALESCE('[' || array_to_string(list_transform(${list}, t -> ${element}), ',') || ']', '[]')`;
};

/**
 * One source column as the TSV field ClickHouse reads for the stored type (CONTEXT.md's type
 * mapping), written by DuckDB: dates as YYYYMMDD, booleans as 1/0, timestamps to the second,
 * lists as array literals (NULL as []), text escaped, NULL as `\N`. Exactness is checked first
 * (`checkTimestamps`). DuckDB writes the whole line: no cell passes through JavaScript.
 */
function sentColumn(name: string, duckType: string, expression = sqlIdent(name)): Sent {
  const x = expression;
  const orNull = (field: string) => String.raw`COALESCE(${field}, '\N')`;
  if (duckType === 'DATE') return { name, select: orNull(`CAST(year(${x}) * 10000 + month(${x}) * 100 + day(${x}) AS VARCHAR)`) };
  if (duckType === 'BOOLEAN') return { name, select: orNull(`CASE WHEN ${x} THEN '1' WHEN NOT ${x} THEN '0' END`) };
  if (duckType.startsWith('TIMESTAMP')) return { name, select: orNull(`strftime(${x}, '%Y-%m-%d %H:%M:%S')`) };
  if (duckType.endsWith('[]')) return { name, select: arrayField(x) };
  if (duckType === 'VARCHAR') return { name, select: orNull(tsvEscaped(x)) };
  return { name, select: orNull(`CAST(${x} AS VARCHAR)`) };
}

/**
 * A timestamp with a fraction of a second, or outside 1970–2105, cannot be a DateTime of 18.16:
 * refused by name, never rounded. Returns the first such value, or undefined.
 */
export async function checkTimestamps(source: DuckDBEngine, from: string, columns: ReadonlyArray<{ name: string; type: string }>): Promise<{ column: string; value: string } | undefined> {
  for (const c of columns.filter((col) => col.type.startsWith('TIMESTAMP'))) {
    const x = sqlIdent(c.name);
    const [bad] = await source.all<{ v: string }>(`SELECT CAST(${x} AS VARCHAR) AS v FROM ${from} WHERE ${notADateTime(x)} LIMIT 1`);
    if (bad) return { column: c.name, value: bad.v };
  }
  return undefined;
}

export const timestampRefusal = (where: string, bad: { column: string; value: string }) =>
  new KumiwakeError('value-not-representable',
    `${where}: column ${bad.column}: "${bad.value}" cannot be stored exactly in ClickHouse 18.16's DateTime (whole seconds from 1970-01-01 to 2105-12-31)`, 2);

/** A source table's columns with their DuckDB types. */
export async function sourceColumns(source: DuckDBEngine, table: string): Promise<Array<{ name: string; type: string }>> {
  return source.all<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = $t AND table_schema = 'main' ORDER BY ordinal_position`, { t: table });
}

/** The columns a ClickHouse table lacks and a source row brings (`attr:`/`group:` columns, and their folded copies). */
export async function addMissingColumns(cluster: ClickHouseCluster, tableName: TableName, names: readonly string[], suffixes: readonly string[] = ['']): Promise<void> {
  const table = clickHouseTable(tableName);
  const known = new Set(table.columns.map((c) => c.name));
  // Only free-named columns, as tsvLine sends: DuckDB's own kept columns (customer_no) stay there.
  const extra = names.filter((n) => !known.has(n) && n !== IMPORT_ID_COLUMN && n.startsWith(tableName === 'customers' ? 'attr:' : 'group:'));
  if (extra.length === 0) return;
  const wanted = [...new Set(extra.flatMap((c) => (hasFoldedCopy(tableName, c) ? [c, `${c}${FOLDED_SUFFIX}`] : [c])))];
  const layout = cluster.layout;
  // 18.16 has no ADD COLUMN IF NOT EXISTS: each table's columns are read first.
  await cluster.eachShard(async (shard) => {
    const tables = [...suffixes.map((suffix) => storedName(layout, tableName, suffix))];
    if (suffixes.includes('') && storedName(layout, tableName) !== tableName) tables.push(tableName);
    for (const stored of tables) {
      const have = new Set((await shard.server.rows<{ name: string }>(
        `SELECT name FROM system.columns WHERE database = ${chString(layout.database)} AND table = ${chString(stored)}`)).map((r) => r.name));
      for (const column of wanted) if (!have.has(column)) await shard.server.run(addColumnStatement(layout, stored, column));
    }
  });
}

/**
 * The DuckDB expression giving a source row as one TSV line (without its line feed) for the
 * ClickHouse table `tableName`, and the ClickHouse columns it fills in order. Folded copies are
 * computed by DuckDB on the way; each line ends with `importId`.
 */
export function tsvLine(tableName: TableName, columns: ReadonlyArray<{ name: string; type: string }>, importId: number): { line: string; names: string[] } {
  const table = clickHouseTable(tableName);
  const known = new Set(table.columns.map((c) => c.name));
  const sent: Sent[] = [];
  for (const c of columns) {
    if (c.name === IMPORT_ID_COLUMN || (!known.has(c.name) && !c.name.startsWith(`${table.name === 'customers' ? 'attr:' : 'group:'}`))) continue;
    sent.push(sentColumn(c.name, c.type));
    if (hasFoldedCopy(tableName, c.name)) {
      const folded = c.type.endsWith('[]') ? `list_transform(${sqlIdent(c.name)}, t -> kumiwake_fold(t))` : `kumiwake_fold(${sqlIdent(c.name)})`;
      sent.push(sentColumn(`${c.name}${FOLDED_SUFFIX}`, c.type, folded));
    }
  }
  const names = [...sent.map((s) => chIdent(s.name)), IMPORT_ID_COLUMN];
  return { line: `concat_ws(chr(9), ${sent.map((s) => s.select).join(', ')}, '${Math.floor(importId)}')`, names };
}

/**
 * Sends the rows of the DuckDB table `from` (with `columns`) into the ClickHouse table version
 * `suffix` of `tableName` on every shard: a sharded table through a Distributed table over that
 * version (synchronously, split by customer), a copied one to every shard. Each row carries
 * `importId`. DuckDB writes the lines to files in slices, sent as it writes the next
 * (tsv-slices.ts) in a folder named `folderPrefix` + random (default: in the system's temporary folder).
 */
export async function sendRows(
  source: DuckDBEngine, cluster: ClickHouseCluster, tableName: TableName, from: string,
  columns: ReadonlyArray<{ name: string; type: string }>, importId: number, options: { suffix?: string; signal?: AbortSignal; folderPrefix?: string } = {},
): Promise<number> {
  const layout = cluster.layout;
  const suffix = options.suffix ?? '';
  const { line, names } = tsvLine(tableName, columns, importId);
  const [count] = await source.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${from}`);
  const stored = storedName(layout, tableName, suffix);
  const lineOf = (where: string) => `SELECT ${line} AS line FROM ${from} WHERE ${where}`;
  const slices = { signal: options.signal, folderPrefix: options.folderPrefix };
  if (layout.cluster && stored !== `${tableName}${suffix}`) {
    // Sharded rows go through a Distributed table over this version of the shards' tables: the
    // table itself, or for an import's version one named like it (the import drops it).
    const via = `${tableName}${suffix}`;
    if (suffix !== '') {
      // On every shard: each reads the import's keys of all shards through it.
      await cluster.eachShard((shard) => shard.server.run(`CREATE TABLE IF NOT EXISTS ${qualifiedName(layout, via)} AS ${qualifiedName(layout, stored)} ` +
        `ENGINE = Distributed(${chString(layout.cluster!)}, ${chString(layout.database)}, ${chString(stored)}, ${SHARDING_KEY})`));
    }
    await sendTsvSlices(source, from, lineOf, (body, signal) => cluster.coordinator.insertTsv(qualifiedName(layout, via), names, body(),
      { settings: { insert_distributed_sync: 1 }, signal }), slices);
  } else {
    await sendTsvSlices(source, from, lineOf, (body, signal) => Promise.all(cluster.shards.map((shard) =>
      shard.server.insertTsv(qualifiedName(layout, stored), names, body(), { signal }))).then(() => undefined), slices);
  }
  return Number(count!.n);
}

/**
 * Loads a DuckDB database (e.g. the reference shop) into the ClickHouse tables, replacing what
 * they hold: every data table of sql/clickhouse/tables.sql the source has, `attr:`/`group:`
 * columns included. For tests and benchmarks (part B loads its reference shop with it); the
 * import (import.ts) is the user's way in. Copying purchases rebuilds the per-customer summary
 * (customer-summary.ts) by `salesStatuses`, default the source's setting. Returns the rows copied per table.
 */
export async function copyRowsToClickHouse(
  source: DuckDBEngine, cluster: ClickHouseCluster,
  options: { tables?: readonly TableName[]; importId?: number; signal?: AbortSignal; salesStatuses?: readonly string[] } = {},
): Promise<Record<string, number>> {
  const layout: Layout = cluster.layout;
  const copied: Record<string, number> = {};
  for (const table of clickHouseTables()) {
    if (options.tables && !options.tables.includes(table.name)) continue;
    const columns = await sourceColumns(source, table.name);
    if (columns.length === 0) continue;
    const bad = await checkTimestamps(source, sqlIdent(table.name), columns);
    if (bad) throw timestampRefusal(`${source.location}: table ${table.name}`, bad);
    await addMissingColumns(cluster, table.name, columns.map((c) => c.name));
    await cluster.eachShard((shard) => shard.server.run(`TRUNCATE TABLE ${qualifiedName(layout, storedName(layout, table.name))}`));
    copied[table.name] = await sendRows(source, cluster, table.name, sqlIdent(table.name), columns, options.importId ?? 0, { signal: options.signal });
    // The lifetime figures follow the lines, counted by the source's sales basis (customer-summary.ts).
    if (table.name === 'purchases') await rebuildSummary(cluster, 'salesStatuses' in options ? options.salesStatuses : await salesBasisOf(source));
  }
  return copied;
}
