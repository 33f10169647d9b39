/**
 * The list of an export whose members are kept on a ClickHouse server (src/segments/clickhouse-target.ts),
 * written to give DuckDB's cells (src/export/select.ts): same columns, same text, same order.
 *
 * 18.16 takes one JOIN per SELECT, no WITH and no window function, so a list is one of three shapes:
 * - members: `customers` (Distributed) joined once to the figures subquery (figures.ts), kept to
 *   the members by `GLOBAL IN`. Each shard lists, sorts and figures its own customers (the join's
 *   subquery reads the shard's local tables); the server merges the sorted streams.
 * - order lines (`rows: 'purchases'`): `purchases` (Distributed) joined once to the shard's
 *   customers, themselves joined once to the figures.
 * - ids from the state file (`idsOnly`: a job's entered / left, a diff): the members table joined
 *   once to the list above, so an id no longer stored is still listed, with empty cells.
 * Dates are stored as YYYYMMDD and yes/no as 0/1 there (src/engine/clickhouse/CONTEXT.md): they are
 * written as DuckDB writes them; typed writers get them as text and 0/1, made JS dates and
 * booleans by `typedRow` (typed.ts).
 */
import type { SqlDialect } from '../../dialect/dialect.js';
import { KumiwakeError } from '../../errors.js';
import type { ExportColumn } from '../columns.js';
import type { ExportQuery, CellStyle, Rendering, SortKey } from '../select.js';
import { figureExpression, figuresSubquery, isServerFigure, type ServerFigure } from './figures.js';
import type { ServerMembers } from './context.js';
import { chString } from '../../dialect/clickhouse/literal.js';

/** Where a list's values are read: which table is `c` / `p`, and how the joined subquery names its columns. */
type Shape = 'members' | 'purchases' | 'ids';

const notOnServer = (what: string) =>
  new KumiwakeError('not-on-clickhouse', `${what} is not exported from ClickHouse yet; leave it out of --columns and --sort, or use the DuckDB engine`, 2);

/**
 * What a column reads: a customers or purchases column, a figure, the name of the customer's or
 * the last order's store, or the members table's `change` (a diff).
 */
type Source = { kind: 'customer'; name: string } | { kind: 'line'; name: string } | { kind: 'figure'; name: ServerFigure }
  | { kind: 'storeName'; of: 'customer' | 'lastOrder' } | { kind: 'change' };

function sourceOf(column: ExportColumn): Source {
  const { source } = column;
  if ('column' in source) return source.table === 'purchases' ? { kind: 'line', name: source.column } : { kind: 'customer', name: source.column };
  if (source.figure === 'm.change') return { kind: 'change' };
  if (isServerFigure(column.name)) return { kind: 'figure', name: column.name };
  if (column.name === 'store_name') return { kind: 'storeName', of: 'customer' };
  if (column.name === 'last_order_store_name') return { kind: 'storeName', of: 'lastOrder' };
  throw notOnServer(`the column ${column.name}`);
}

/**
 * The name of the store `id` names, as DuckDB's LEFT JOIN to `stores` gives it (NULL for a store
 * the table lacks or leaves unnamed). The stores are written into the statement as two arrays:
 * 18.16 takes one JOIN per SELECT, and the list's one join is the figures'.
 */
function storeName(id: string, stores: ServerMembers['storeNames']): string {
  if (stores.length === 0) return 'CAST(NULL AS Nullable(String))';
  const ids = `[${stores.map((s) => chString(s.id)).join(', ')}]`;
  const names = `[${stores.map((s) => chString(s.name)).join(', ')}]`;
  return `if(has(${ids}, ifNull(${id}, '')), transform(ifNull(${id}, ''), ${ids}, ${names}, ''), NULL)`;
}

/** `YYYY-MM-DD` of a YYYYMMDD integer (any year: 18.16's Date starts in 1970). */
const dateText = (e: string) =>
  `if(isNull(${e}), NULL, concat(substring(toString(${e} + 100000000), 2, 4), '-', substring(toString(${e}), -4, 2), '-', substring(toString(${e}), -2, 2)))`;
/** `true` / `false` of a 0/1, as DuckDB writes a BOOLEAN. */
const booleanText = (e: string) => `if(isNull(${e}), NULL, if(${e} != 0, 'true', 'false'))`;
/** Tags as one text; none is NULL, as DuckDB stores a customer without tags (ClickHouse keeps `[]`). */
const tagsOrNull = (d: SqlDialect, e: string) => `if(empty(${e}), NULL, ${d.tagsText(e)})`;

interface Built {
  /** the raw value of a column (sorting, native values) */
  readonly raw: (column: ExportColumn) => string;
  readonly from: string;
  readonly where: string;
  readonly order: readonly string[];
}

/**
 * One list's FROM, filter and raw values. A joined subquery's customer columns are renamed
 * `kc_NAME` (order lines: purchases has store_id and status too) or `kv_NAME` (ids); figures are
 * read as the figures subquery's `kf_*` columns, unqualified.
 */
function build(shape: Shape, columns: readonly ExportColumn[], members: ServerMembers, query: ExportQuery, d: SqlDialect): Built {
  const figures = new Set<ServerFigure>();
  for (const c of columns) {
    const s = sourceOf(c);
    if (s.kind === 'figure') figures.add(s.name);
    if (s.kind === 'storeName' && s.of === 'lastOrder') figures.add('last_order_store_id');
  }
  const f = figuresSubquery(figures, members);
  const withFigures = (left: string) => (f === undefined ? left : `${left} ANY LEFT JOIN (${f}) AS f USING customer_id`);
  const inMembers = (id: string) => `${id} GLOBAL IN (SELECT customer_id FROM ${members.table})`;
  const figure = (name: ServerFigure) => figureExpression(name, query.asOf, d);
  const customerNames = [...new Set(columns.flatMap((c) => {
    const s = sourceOf(c);
    if (s.kind === 'storeName' && s.of === 'customer') return ['store_id'];
    return s.kind === 'customer' && s.name !== 'customer_id' ? [s.name] : [];
  }))];
  // A store's name, from the id the list reads for the customer's store or the last order's.
  const storeNameOf = (s: Extract<Source, { kind: 'storeName' }>, customerStore: string) =>
    storeName(s.of === 'customer' ? customerStore : figure('last_order_store_id'), members.storeNames);
  const kc = (name: string) => d.quoteIdentifier(`kc_${name}`);
  switch (shape) {
    case 'members':
      return {
        raw: (c) => {
          const s = sourceOf(c);
          if (s.kind === 'customer') return `c.${d.quoteIdentifier(s.name)}`;
          if (s.kind === 'figure') return figure(s.name);
          if (s.kind === 'storeName') return storeNameOf(s, 'c.store_id');
          throw new Error(`INTERNAL ERROR: ${c.name} in a list of members`);
        },
        from: withFigures(`${members.wholeTable('customers')} AS c`),
        where: inMembers('c.customer_id'),
        order: ['c.customer_id'],
      };
    case 'purchases': {
      const list = [...customerNames.map((n) => `c.${d.quoteIdentifier(n)} AS ${kc(n)}`), ...(f === undefined ? [] : [FIGURE_COLUMNS])];
      const right = `SELECT c.customer_id AS customer_id${list.map((x) => `, ${x}`).join('')} FROM ${withFigures(`${members.localTable('customers')} AS c`)}`;
      return {
        raw: (c) => {
          const s = sourceOf(c);
          if (s.kind === 'line') return `p.${d.quoteIdentifier(s.name)}`;
          if (s.kind === 'customer') return kc(s.name);
          if (s.kind === 'figure') return figure(s.name);
          if (s.kind === 'storeName') return storeNameOf(s, kc('store_id'));
          throw new Error(`INTERNAL ERROR: ${c.name} in a list of order lines`);
        },
        from: `${members.wholeTable('purchases')} AS p ANY LEFT JOIN (${right}) AS c USING customer_id`,
        where: inMembers('p.customer_id'),
        order: ['p.customer_id', 'p.ordered_at', 'p.order_id', 'p.line_no'],
      };
    }
    case 'ids': {
      const kv = (name: string) => d.quoteIdentifier(`kv_${name}`);
      const list = [...customerNames.map((n) => `c.${d.quoteIdentifier(n)} AS ${kv(n)}`), ...(f === undefined ? [] : [FIGURE_COLUMNS])];
      const right = `SELECT c.customer_id AS customer_id${list.map((x) => `, ${x}`).join('')} FROM ${withFigures(`${members.wholeTable('customers')} AS c`)} WHERE ${inMembers('c.customer_id')}`;
      return {
        raw: (c) => {
          const s = sourceOf(c);
          if (s.kind === 'customer') return s.name === 'customer_id' ? 'm.customer_id' : kv(s.name);
          if (s.kind === 'figure') return figure(s.name);
          if (s.kind === 'storeName') return storeNameOf(s, kv('store_id'));
          if (s.kind === 'change') return 'm.change';
          throw new Error(`INTERNAL ERROR: ${c.name} in a list of ids`);
        },
        from: `${members.table} AS m ANY LEFT JOIN (${right}) AS x USING customer_id`,
        where: '1',
        order: ['m.customer_id'],
      };
    }
  }
}

/** The figures subquery's columns, passed through a subquery that joins it. */
const FIGURE_COLUMNS = 'kf_order_count, kf_sales, kf_first, kf_last, kf_last_store, kf_mails_sent, kf_last_sent';

/** A column's value as text, as DuckDB's CSV has it (asText in select.ts). */
function asText(column: ExportColumn, raw: string, d: SqlDialect, cells: CellStyle): string {
  const labels = cells.values === 'ja' ? column.valueLabels : undefined;
  const valueText = column.type === 'boolean' ? booleanText(raw) : column.type === 'date' ? dateText(raw) : raw;
  if (labels) return d.labelledText(valueText, labels);
  const safe = (text: string) => (cells.csvFormulas === 'neutralise' ? d.formulaSafeText(text) : text);
  switch (column.type) {
    case 'decimal': return d.decimalText(raw);
    case 'tags': return safe(tagsOrNull(d, raw));
    case 'text': return safe(raw);
    case 'date': case 'boolean': return valueText;
    default: return raw;
  }
}

/** A column's value for a typed writer: numbers as doubles, dates as text and yes/no as 0/1 (typed.ts makes them JS values). */
function asTyped(column: ExportColumn, raw: string, d: SqlDialect, cells: CellStyle): string {
  const labels = cells.values === 'ja' ? column.valueLabels : undefined;
  if (labels) return d.labelledText(column.type === 'boolean' ? booleanText(raw) : column.type === 'date' ? dateText(raw) : raw, labels);
  if (column.type === 'decimal' || column.type === 'integer') return d.asDouble(raw);
  return column.type === 'date' ? dateText(raw) : raw;
}

/** As asTyped, but integers as stored and decimals as their exact text (asSheet in select.ts). */
function asSheet(column: ExportColumn, raw: string, d: SqlDialect, cells: CellStyle): string {
  const labels = cells.values === 'ja' ? column.valueLabels : undefined;
  if (labels) return asTyped(column, raw, d, cells);
  if (column.type === 'decimal') return d.decimalText(raw);
  return column.type === 'date' ? dateText(raw) : raw;
}

/**
 * SELECT of the export's columns over a server's members, in DuckDB's order (sort keys with
 * missing values last, then customer_id; order lines then by time, order and line) and LIMIT.
 */
export function serverMembersSelect(
  d: SqlDialect, columns: readonly ExportColumn[], names: readonly string[], rendering: Rendering, query: ExportQuery, members: ServerMembers, cells: CellStyle,
): string {
  const rows = query.rows ?? 'members';
  const shape: Shape = members.idsOnly ? 'ids' : rows === 'purchases' ? 'purchases' : 'members';
  if (members.idsOnly && rows === 'purchases') throw new Error('INTERNAL ERROR: order lines of ids from the state file');
  if (query.limit !== undefined && !(Number.isSafeInteger(query.limit) && query.limit >= 0)) throw new Error(`INTERNAL ERROR: export limit ${query.limit}`);
  const sort = query.sort ?? [];
  const built = build(shape, [...columns, ...sort.map((k) => k.column)], members, query, d);
  const render = (c: ExportColumn) => (rendering === 'text' ? asText(c, built.raw(c), d, cells) : rendering === 'typed' ? asTyped(c, built.raw(c), d, cells)
    : rendering === 'sheet' ? asSheet(c, built.raw(c), d, cells) : c.type === 'date' ? dateText(built.raw(c)) : built.raw(c));
  // Named kx_i inside: an output named as a column (`amount`) would be what ORDER BY, WHERE and the
  // join read for `p.amount` in 18.16 (an alias wins over a column); renamed by the outer SELECT,
  // which keeps the inner order (a projection only).
  const inner = columns.map((c, i) => `${render(c)} AS kx_${i}`).join(', ');
  const outer = names.map((name, i) => `kx_${i} AS ${d.quoteIdentifier(name)}`).join(', ');
  // No tags (`[]` here, NULL in DuckDB) sort last, as missing values do.
  const key = (k: SortKey) => `${k.column.type === 'tags' ? `empty(${built.raw(k.column)}), ` : ''}${built.raw(k.column)} ${k.descending ? 'DESC' : 'ASC'} NULLS LAST`;
  const keys = [...sort.map(key), ...built.order];
  return `SELECT ${outer} FROM (SELECT ${inner} FROM ${built.from} WHERE ${built.where}
    ORDER BY ${keys.join(', ')}${query.limit === undefined ? '' : ` LIMIT ${query.limit}`})`;
}
