import { DummyDriver, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql, type Dialect } from 'kysely';
import type { Sql, SqlDialect, TextMatch } from '../dialect.js';
import { HIRAGANA, KATAKANA, LOOSE_REMOVED } from '../../model/loose-text.js';
import { sqlIdent, sqlString } from './sql-text.js';
import { BLANK_CODE_POINTS } from '../blank-text.js';

const compileOnly: Dialect = {
  createAdapter: () => new PostgresAdapter(),
  createDriver: () => new DummyDriver(),
  createIntrospector: (db) => new PostgresIntrospector(db),
  createQueryCompiler: () => new PostgresQueryCompiler(),
};

const SHORT_LIST = 64;

/** Keys compared in order, as one struct. */
const orderKey = (keys: readonly Sql[]): Sql => sql`{${sql.join(keys.map((k, i) => sql`${sql.lit(`k${i}`)}: ${k}`))}}`;

// An empty list is written out, not bound: a bound empty JS array has no element type.
const list = (values: readonly (string | number)[]): Sql =>
  values.length === 0 ? sql`CAST([] AS VARCHAR[])`
    : values.every((v) => typeof v === 'number') ? sql`${values}::DOUBLE[]` : sql`${values.map(String)}::VARCHAR[]`;

/** `expr` is one of `values` as DuckDB prunes blocks by: an equality, an IN, a set. */
const inListPruned = (expr: Sql, values: readonly (string | number)[]): Sql<boolean> =>
  values.length === 0 ? sql`false`
    : values.length === 1 ? sql`${expr} = ${values[0]}`
      : values.length <= SHORT_LIST ? sql`${expr} IN (${sql.join(values.map((v) => sql`${v}`))})`
        : sql`${expr} IN (SELECT unnest(${list(values)}))`;

/** The characters a loose comparison removes, as one RE2 class. */
const LOOSE_PATTERN = `[${LOOSE_REMOVED.map((c) => `\\x{${c.codePointAt(0)!.toString(16)}}`).join('')}]`;

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
const likePattern: Record<TextMatch, (escaped: string) => string> = {
  contains: (e) => `%${e}%`,
  starts_with: (e) => `${e}%`,
  ends_with: (e) => `%${e}`,
};

// Column names come from the planner, never from a definition; checked all the same, as they are not bound.
const columnName = (name: string): Sql => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`INTERNAL ERROR: ${JSON.stringify(name)} is not a plain column name`);
  return sql.raw(name);
};

/**
 * DuckDB's BITSTRING as the driver hands it over: byte 0 holds the number of padding bits, which
 * lead the first data byte; bit i of the string follows them, most significant bit first.
 */
function readBitstring(value: unknown, size: number): Uint8Array {
  const data = value instanceof Uint8Array ? value : (value as { data?: unknown } | null)?.data;
  if (!(data instanceof Uint8Array) || data.length === 0) throw new Error('INTERNAL ERROR: a customer set is not a BITSTRING');
  const padding = data[0]!;
  const out = new Uint8Array(Math.ceil(size / 8));
  for (let j = 0; j < out.length; j++) {
    const high = data[1 + j] ?? 0;
    const low = data[2 + j] ?? 0;
    out[j] = padding === 0 ? high : ((high << padding) | (low >> (8 - padding))) & 0xff;
  }
  return out;
}

export const duckdbDialect: SqlDialect = {
  name: 'duckdb',
  kysely: compileOnly,

  fold: (text) => sql`kumiwake_fold(${text})`,
  // Blank: only the characters of BLANK_CODE_POINTS, which trim() strips. A blank text starts with
  // one, so trim() (which copies the string) only runs on the rare value that does.
  isBlankText: (x) => sql`(CASE WHEN ${x} IS NULL THEN true WHEN unicode(${x}) IN (${sql.raw(BLANK_CODE_POINTS.join(', '))}) THEN trim(${x}) = '' ELSE ${x} = '' END)`,
  textMatches: (text, where, needle) => sql`${text} LIKE ${likePattern[where](likeEscape(needle))} ESCAPE '\\'`,
  hasSubstring: (text, needle) => sql`strpos(${text}, ${needle}) > 0`,
  // Digits only: the cast would read `3.0`, `1_000` and `1e3` too. At most 18 of them (leading
  // zeros aside), as ClickHouse's Int64 holds.
  tryInteger: (text) => sql`(CASE WHEN regexp_full_match(trim(${text}), '[+-]?0*[0-9]{1,18}') THEN TRY_CAST(trim(${text}) AS BIGINT) END)`,
  looseFold: (text) => sql`translate(regexp_replace(kumiwake_fold(${text}), ${sql.raw(sqlString(LOOSE_PATTERN))}, '', 'g'), ${sql.raw(sqlString(KATAKANA))}, ${sql.raw(sqlString(HIRAGANA))})`,
  textAsNumber: (text) => sql`(CASE WHEN regexp_full_match(trim(kumiwake_fold(${text})), '[+-]?[0-9]+([.][0-9]+)?') THEN CAST(trim(kumiwake_fold(${text})) AS DOUBLE) END)`,
  textAsTimestamp: (text) => sql`(CASE WHEN regexp_full_match(trim(kumiwake_fold(${text})), '[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}( [0-9]{2}:[0-9]{2}:[0-9]{2})?') THEN TRY_CAST(replace(trim(kumiwake_fold(${text})), '/', '-') AS TIMESTAMP) END)`,
  nullText: () => sql`CAST(NULL AS VARCHAR)`,

  isDistinctFrom: (a, b) => sql`${a} IS DISTINCT FROM ${b}`,
  isNotFalse: (condition) => sql`${condition} IS NOT false`,
  // One test DuckDB filters as it scans; NOT COALESCE(…, false) took a millisecond more of the 8
  // the benchmark's attributes count takes over 1M customers.
  isNotTrue: (condition) => sql`${condition} IS NOT true`,

  // One value is an equality, which DuckDB tests on a column's dictionary and prunes blocks by.
  // A short list is an IN (one parameter per value) compared with true: DuckDB turns a bare IN
  // into an OR of equalities tested on every decoded row after the scan (plus an optional
  // block-skipping filter), but this form into one test inside the scan, on the dictionary: at 1x
  // four prefectures over 1M customers 13.4 -> 5.2 ms, two product codes over 19M lines 136 ->
  // 33 ms. It is the same three-valued test (NULL stays NULL). A long list (up to 1,000,000
  // values) is one list parameter joined as a set.
  inList: (expr, values) =>
    values.length >= 2 && values.length <= SHORT_LIST ? sql`(${inListPruned(expr, values)}) = true` : inListPruned(expr, values),
  // A bare IN: where the table is stored in the column's order, skipping blocks is worth more
  // than the faster test (two product codes of customer_products 2.7 against 8.8 ms).
  inSortedColumn: (expr, values) => inListPruned(expr, values),
  textRows: (values, column) => sql`SELECT DISTINCT unnest(${list(values)}) AS ${columnName(column)}`,
  listLength: (listExpr) => sql`len(${listExpr})`,
  listHasAny: (listExpr, values) => sql`list_has_any(${listExpr}, ${list(values)})`,
  listHasAll: (listExpr, values) => sql`list_has_all(${listExpr}, ${list(values)})`,
  foldList: (listExpr) => sql`list_transform(${listExpr}, t -> kumiwake_fold(t))`,

  timestamp: (value) => sql`CAST(${value} AS TIMESTAMP)`,
  day: (value) => sql`CAST(${value} AS DATE)`,
  month: (date) => sql`month(${date})`,
  monthDay: (date) => sql`(month(${date}) * 100 + day(${date}))`,
  // The as-of year and month-day are plain numbers: nothing about the as-of date is recomputed per row.
  fullYears: (birth, asOf) => {
    const [year, month, day] = asOf.split('-').map(Number) as [number, number, number];
    return sql`(${year} - year(${birth}) - CASE WHEN ${month * 100 + day} < month(${birth}) * 100 + day(${birth}) THEN 1 ELSE 0 END)`;
  },
  daysUntil: (start, asOf) => sql`date_diff('day', CAST(${start} AS DATE), CAST(${asOf} AS DATE))`,

  boolOr: (condition) => sql`bool_or(${condition})`,
  countWhere: (condition) => sql`count(*) FILTER (WHERE ${condition})`,
  // The arg is wrapped in a struct so that a NULL arg (a last order never shipped) is still returned.
  argMax: (arg, keys) => sql`arg_max({'v': ${arg}}, ${orderKey(keys)}).v`,
  argMin: (arg, keys) => sql`arg_min({'v': ${arg}}, ${orderKey(keys)}).v`,
  rowIndex: (table) => sql`${table}.rowid`,
  // A BITSTRING of one bit per customer: 125 kB for a million customers.
  // No rows make no bitstring (NULL): the empty set is all zeros.
  customerSet: (index, size) => sql`COALESCE(bitstring_agg(${index}, 0, ${sql.lit(size - 1)}), bitstring('0', ${sql.lit(size)}))`,
  // A BITSTRING again; get_bit of a NULL set is NULL, which is distinct from 1.
  numberSet: (number, highest) => sql`bitstring_agg(${number}, 0, ${sql.lit(highest)})`,
  // get_bit past the set's end is an error: a number above `highest` is not tested.
  lacksNumber: (set, number, highest) => (highest === undefined
    ? sql`(get_bit(${set}, ${number}) IS DISTINCT FROM 1)`
    : sql`(CASE WHEN ${number} <= ${sql.lit(highest)} THEN get_bit(${set}, ${number}) END IS DISTINCT FROM 1)`),
  unionOfSets: (set) => sql`bit_or(${set})`,
  connectionTable: (name, query) => sql`CREATE OR REPLACE TEMP TABLE ${sql.id(name)} AS ${query}`,
  readCustomerSet: readBitstring,
  quoteIdentifier: sqlIdent,
  decimalText: (e) => `rtrim(rtrim(CAST(${e} AS VARCHAR), '0'), '.')`,
  tagsText: (e) => `array_to_string(${e}, ';')`,
  asDouble: (e) => `CAST(${e} AS DOUBLE)`,
  daysSinceText: (e, asOf) => `date_diff('day', CAST(${e} AS DATE), CAST(${sqlString(asOf)} AS DATE))`,
  // DuckDB divides a DECIMAL as a DOUBLE (1.005 is 1.00499…, rounded down): the total in
  // ten-thousandths as a HUGEINT (whole and fraction apart: total * 10000 overflows a DECIMAL(38, 4)
  // from 10^30), divided as integers.
  averageToSen: (total, count) => {
    const units = `(CAST(trunc(${total}) AS HUGEINT) * 10000 + CAST((${total} - trunc(${total})) * 10000 AS HUGEINT))`;
    const sen = `(sign(${units}) * ((abs(${units}) * 2 + ${count} * 100) // (${count} * 200)))`;
    return `CASE WHEN ${count} > 0 THEN CAST(CAST(${sen} AS DECIMAL(38, 2)) * 0.01 AS DECIMAL(38, 2)) END`;
  },
  // UTF-8 byte length tells a wide character (3 bytes) from ASCII (1): length + (bytes - length) / 2.
  displayWidth: (e) => `(length(CAST(${e} AS VARCHAR)) + (strlen(CAST(${e} AS VARCHAR)) - length(CAST(${e} AS VARCHAR))) // 2)`,
  formulaSafeText: (e) => `(CASE WHEN left(${e}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || ${e} ELSE ${e} END)`,
  labelledText: (e, labels) => {
    const cases = Object.entries(labels).map(([value, label]) => `WHEN ${sqlString(value)} THEN ${sqlString(label)}`);
    return cases.length === 0 ? `CAST(${e} AS VARCHAR)` : `(CASE CAST(${e} AS VARCHAR) ${cases.join(' ')} ELSE CAST(${e} AS VARCHAR) END)`;
  },
};
