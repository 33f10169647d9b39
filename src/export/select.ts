import type { SqlDialect } from '../dialect/dialect.js';
import { KumiwakeError } from '../errors.js';
import type { ExportColumn } from './columns.js';
import { figureJoinSql } from './figures.js';
import { formulaSafe, type CsvFormulas, type ExportRows, type HeaderStyle, type ValueStyle } from './formats.js';
import type { ServerMembers } from './clickhouse/context.js';
import { serverMembersSelect } from './clickhouse/select.js';

export type { HeaderStyle } from './formats.js';

/** The evaluated segment, materialised once per export run (see export-segment.ts). */
export const MEMBERS_TABLE = 'kumiwake_members';

/**
 * The members table an engine keeps on its server instead of `MEMBERS_TABLE` (ClickHouse: a
 * Memory table named per evaluation, src/segments/clickhouse-target.ts); its lists are read by
 * `serverMembersSelect`.
 */
const serverMembers = new WeakMap<object, string>();
export const membersTableOf = (db: object): string | undefined => serverMembers.get(db);
export function setMembersTable(db: object, table: string | undefined): void {
  if (table === undefined) serverMembers.delete(db);
  else serverMembers.set(db, table);
}

/** How cells are written: enum values and booleans as stored or as labels, CSV formulas neutralised or kept. */
export interface CellStyle {
  readonly values: ValueStyle;
  readonly csvFormulas: CsvFormulas;
}
const AS_STORED: CellStyle = { values: 'canonical', csvFormulas: 'keep' };

export const headerOf = (column: ExportColumn, headers: HeaderStyle): string => (headers === 'ja' ? column.label : column.name);

/** What a select needs beside the columns: the as-of date of the figures that read it. */
interface Scope {
  readonly d: SqlDialect;
  readonly asOf?: string;
  readonly rows: ExportRows;
}

// The id comes from the members table: a customer who left a segment (kumiwake diff) may no
// longer be in the customers table, and is still listed by id.
function expressionOf(column: ExportColumn, scope: Scope): string {
  const { source } = column;
  if ('column' in source) {
    const table = source.table === 'purchases' ? 'p' : source.column === 'customer_id' ? 'm' : 'c';
    return `${table}.${scope.d.quoteIdentifier(source.column)}`;
  }
  if (typeof source.figure === 'string') return source.figure;
  if (scope.asOf === undefined) throw new KumiwakeError('bad-columns', `${column.name} counts days to the as-of date, and this list has none (it lists no evaluated segment)`);
  return source.figure({ dialect: scope.d, asOf: scope.asOf });
}

/** The column's Japanese value labels, when asked for and it has them (enums, booleans). */
const labelsOf = (column: ExportColumn, cells: CellStyle) => (cells.values === 'ja' ? column.valueLabels : undefined);

/** How a column is written for a format that stores text only (CSV). */
function asText(column: ExportColumn, scope: Scope, cells: CellStyle): string {
  const { d } = scope;
  const expression = expressionOf(column, scope);
  const labels = labelsOf(column, cells);
  if (labels) return d.labelledText(expression, labels); // 女性, ○: never a formula
  const safe = (text: string) => (cells.csvFormulas === 'neutralise' ? d.formulaSafeText(text) : text);
  switch (column.type) {
    case 'decimal': return d.decimalText(expression); // 12345.0000 → 12345: a yen amount reads as one
    case 'tags': return safe(d.tagsText(expression));
    case 'text': return safe(expression);
    default: return expression; // numbers, dates and booleans never start like a formula but for a minus sign
  }
}

/** How a column is written for a typed format (xlsx, Arrow): plain JS-friendly types. */
function asTyped(column: ExportColumn, scope: Scope, cells: CellStyle): string {
  const { d } = scope;
  const expression = expressionOf(column, scope);
  const labels = labelsOf(column, cells);
  if (labels) return d.labelledText(expression, labels);
  return column.type === 'decimal' || column.type === 'integer' ? d.asDouble(expression) : expression;
}

/** As asTyped, but integers as stored and decimals as their exact text (write-xlsx.ts decides). */
function asSheet(column: ExportColumn, scope: Scope, cells: CellStyle): string {
  const expression = expressionOf(column, scope);
  const labels = labelsOf(column, cells);
  if (labels) return scope.d.labelledText(expression, labels);
  return column.type === 'decimal' ? scope.d.decimalText(expression) : expression;
}

/**
 * How a select gives its values: as text (CSV), typed for JS (numbers as doubles: the API's JSON),
 * for a sheet (typed, but integers as stored and decimals as text, so the Excel writer can tell
 * which numbers Excel holds exactly), or as stored (Parquet, Arrow).
 */
export type Rendering = 'text' | 'typed' | 'sheet' | 'native';

/** One key of an export's order (`--sort col[:desc]`): any column an export can name, written or not. */
export interface SortKey {
  readonly column: ExportColumn;
  readonly descending: boolean;
}

/** Which rows a select lists, in which order, how many, and the as-of date its figures read. */
export interface ExportQuery {
  /** one row per member (default), or one per order line of the members */
  readonly rows?: ExportRows;
  /** keys before the stable order (customer_id; for order lines, then ordered_at, order_id, line_no) */
  readonly sort?: readonly SortKey[];
  /** at most this many rows (a whole number, checked by the caller) */
  readonly limit?: number;
  /** YYYY-MM-DD: days_since_last_order counts to it */
  readonly asOf?: string;
  /** the members kept on a server (`membersTableOf`, ClickHouse): the list is read by `serverMembersSelect` (clickhouse/select.ts) */
  readonly serverMembers?: ServerMembers;
}

/** The order lines' own tie-breaks: a customer's lines as they were ordered. */
const LINE_ORDER = ['p.customer_id', 'p.ordered_at', 'p.order_id', 'p.line_no'];

/**
 * SELECT of the export's columns over the members table, one row per customer (or per order line
 * of a customer, `rows: 'purchases'`), in a stable order after the sort keys, so that two runs over
 * the same data give the same rows. Sort keys put missing values last, whichever the direction.
 * `cells` applies to text and typed renderings (native values are always as stored).
 */
export function exportSelect(
  d: SqlDialect, columns: readonly ExportColumn[], headers: HeaderStyle, rendering: Rendering,
  query: ExportQuery = {},
  cells: CellStyle = AS_STORED,
): string {
  // A CSV's header cells are neutralised as its values are.
  const names = columns.map((c) => (rendering === 'text' && cells.csvFormulas === 'neutralise' ? formulaSafe(headerOf(c, headers)) : headerOf(c, headers)));
  if (query.serverMembers !== undefined) return serverMembersSelect(d, columns, names, rendering, query, query.serverMembers, cells);
  const scope: Scope = { d, asOf: query.asOf, rows: query.rows ?? 'members' };
  if (query.limit !== undefined && !(Number.isSafeInteger(query.limit) && query.limit >= 0)) throw new Error(`INTERNAL ERROR: export limit ${query.limit}`);
  const render = rendering === 'text' ? asText : rendering === 'typed' ? asTyped : rendering === 'sheet' ? asSheet : expressionOf;
  const list = columns.map((c, i) => `${render(c, scope, cells)} AS ${d.quoteIdentifier(names[i]!)}`).join(', ');
  const sort = query.sort ?? [];
  const keys = [
    ...sort.map((k) => `${expressionOf(k.column, scope)} ${k.descending ? 'DESC' : 'ASC'} NULLS LAST`),
    ...(scope.rows === 'purchases' ? LINE_ORDER : ['m.customer_id']),
  ];
  const joins = new Set([...columns, ...sort.map((k) => k.column)].flatMap((c) => ('figure' in c.source ? c.source.joins ?? [] : [])));
  const lines = scope.rows === 'purchases' ? ' JOIN purchases AS p ON p.customer_id = m.customer_id' : '';
  return `SELECT ${list} FROM ${MEMBERS_TABLE} AS m${lines} LEFT JOIN customers AS c ON c.customer_id = m.customer_id
    LEFT JOIN customer_summary AS s ON s.customer_id = m.customer_id ${[...joins].map((j) => figureJoinSql(j, MEMBERS_TABLE)).join(' ')}
    ORDER BY ${keys.join(', ')}${query.limit === undefined ? '' : ` LIMIT ${query.limit}`}`;
}
