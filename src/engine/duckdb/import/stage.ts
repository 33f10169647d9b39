import { sqlIdent, sqlString } from '../../../dialect/duckdb/sql-text.js';
import { KumiwakeError } from '../../../errors.js';
import type { ColumnDef, TableDef } from '../../../catalog/tables.js';
import { canonicalNameOf, normaliseHeader, type MappedHeader } from '../../../import/header.js';
import type { Mapping, RuleCondition } from '../../../import/mapping.js';
import { typedExpression } from './values.js';

export const STAGE_TABLE = 'kumiwake_stage';

/** The columns of a staged file, once typed. */
export interface StagePlan {
  /** the typed rows of the file, straight from the CSV reader (`$path`) */
  readonly select: string;
  /** materialises `select` as the stage table, in file order */
  readonly sql: string;
  /** canonical columns the stage holds a value for (present in the file, derived or set by a rule) */
  readonly columns: readonly ColumnDef[];
  /** columns numbered at load time, by file order within groups of other columns (`numberWithin`) */
  readonly numbered: ReadonlyArray<{ readonly column: ColumnDef; readonly within: readonly string[] }>;
  /** the mapping skips some rows (skipIfEmpty) */
  readonly skips: boolean;
  /**
   * `select` without skipping the lines that repeat the header (the next file's, of files joined
   * end to end): the direct load reads no more than it stores, then looks for `headerAgain`.
   */
  readonly directSelect: string;
  /** a text column and the header text a line repeating the header stores in it */
  readonly headerAgain: { readonly column: string; readonly text: string } | undefined;
  /** the table's `attr:NAME` / `group:NAME` columns the file fills (created by the load if new) */
  readonly groupColumns: readonly string[];
  /** the file's number of columns */
  readonly width: number;
}

export interface StageOptions {
  readonly mappingFile?: string;
  /** the field separator: `,` (default), a tab or `;` */
  readonly delimiter?: string;
  /** the zone timestamps with an offset are converted to */
  readonly tz?: string;
  /** the copy holds U+FFFD for bytes that were not CP932: rows holding one are bad */
  readonly undecodable?: boolean;
}

/** The reason of a bad row whose cell holds bytes that are not CP932 (decoded as U+FFFD). */
/** A date's text that starts with a year of four digits (half- or full-width), or is eight digits. */
const FOUR_DIGIT_YEAR = '^[0-9０-９]{4}([^0-9０-９]|$)|^[0-9０-９]{8}$';
/** Why a date or timestamp whose year has fewer than four digits is refused. */
export const SHORT_YEAR = 'the year has fewer than four digits: write it in full (85/04/01 is not read as 1985)';
/** Why a line's quantity × unit_price is refused when it has no amount. */
export const AMOUNT_OUT_OF_RANGE = 'quantity × unit_price is 100,000,000,000,000 or more in size, more than an amount holds (is a code in the price column?)';
export const UNDECODABLE_REASON = 'holds bytes that are not CP932 (they would be stored as "\uFFFD"); fix the file, or set the row aside with --max-rejects';

/**
 * Builds the query that reads a CSV file with DuckDB's parallel reader, applies the mapping
 * (derived columns, rules), types every value and marks each row as good, skipped (`_skip`) or
 * bad (`_bad` names the first column that failed; `_bad_cells` every failing column of the row,
 * each with its text and a reason other than the column's type, where it has one). The stage keeps
 * file order, so its `rowid` is the record's position in the file: that is how a bad value is
 * traced back to its line.
 * The file path is the bound parameter `$path`.
 */
export function planStage(table: TableDef, header: MappedHeader, width: number, mapping: Mapping, options: StageOptions = {}): StagePlan {
  const mappingFile = options.mappingFile ?? 'mapping';
  const rawOf = new Map<string, string>();
  // A text column's cell is trimmed of every kind of space here; a typed column's of ASCII ones,
  // the others where its reading fails (typedOrTrimmed): its fast path reads digits and times.
  // An open enumeration keeps an unknown word as written: it is text there.
  const isText = (name: string) => {
    const column = table.columns.find((c) => c.name === name);
    return column?.type === 'text' || (column?.type === 'enum' && column.open === true);
  };
  for (const [name, position] of header.positionOf) rawOf.set(name, cellText(position, isText(name) ? 'every space' : 'ascii space'));
  const positionOfHeader = (name: string) => header.cells.findIndex((c) => normaliseHeader(c) === normaliseHeader(name));

  // Derived columns: concatenated headers and constants are raw text like a file's own cell.
  const numbered: Array<{ column: ColumnDef; within: string[] }> = [];
  for (const [target, derivation] of Object.entries(mapping.derive)) {
    const column = table.columns.find((c) => c.name === target)!;
    if ('constant' in derivation) rawOf.set(target, derivation.constant.trim() === '' ? 'NULL' : sqlString(derivation.constant.trim()));
    else if ('concat' in derivation) {
      const parts = derivation.concat.map((source) => `COALESCE(${cellText(positionOfHeader(source), 'every space')}, '')`);
      rawOf.set(target, `NULLIF(concat_ws(${sqlString(derivation.sep)}, ${parts.join(', ')}), ${sqlString(derivation.sep.repeat(parts.length - 1))})`);
    } else {
      if (column.type !== 'integer') {
        throw new KumiwakeError('mapping-invalid', `${mappingFile}: derive."${target}": numberWithin numbers rows, and ${target} is not an integer column`);
      }
      numbered.push({ column, within: derivation.numberWithin });
    }
  }

  const rawRef = (name: string, where: string): string => {
    const raw = rawOf.get(name);
    if (raw !== undefined) return raw;
    const canonical = canonicalNameOf(table, name, mapping);
    if (canonical !== undefined && canonical !== name && rawOf.has(canonical)) {
      throw new KumiwakeError('mapping-raw-header', `${mappingFile}: ${where}: "${name}" is a header of the file; rules and skipIfEmpty name canonical columns: use "${canonical}"`);
    }
    throw new KumiwakeError('mapping-unknown-column', `${mappingFile}: ${where}: column "${name}" is not in the file`);
  };
  const condition = (when: RuleCondition, where: string): string => {
    const raw = rawRef(when.column, where);
    const tests: string[] = [];
    if (when.startsWith !== undefined) tests.push(`starts_with(${raw}, ${sqlString(when.startsWith)})`);
    if (when.equals !== undefined) tests.push(`${raw} = ${sqlString(when.equals)}`);
    if (when.isEmpty !== undefined) tests.push(when.isEmpty ? `${raw} IS NULL` : `${raw} IS NOT NULL`);
    return tests.length > 0 ? `COALESCE(${tests.join(' AND ')}, false)` : 'true';
  };

  // Rules override a column's raw text on matching rows; the first matching rule wins.
  const ruled = new Map(rawOf);
  const ruleCases = new Map<string, string[]>();
  mapping.rules.forEach((rule, i) => {
    for (const [target, value] of Object.entries(rule.set)) {
      if (!table.columns.some((c) => c.name === target)) {
        const canonical = canonicalNameOf(table, target, mapping);
        const hint = canonical ? `; rules name canonical columns: use "${canonical}"` : '';
        throw new KumiwakeError('mapping-unknown-target', `${mappingFile}: rules[${i}].set: "${target}" is not a column of ${table.table}${hint}`);
      }
      const cases = ruleCases.get(target) ?? [];
      cases.push(`WHEN ${condition(rule.when, `rules[${i}].when`)} THEN ${sqlString(value)}`);
      ruleCases.set(target, cases);
    }
  });
  for (const [target, cases] of ruleCases) ruled.set(target, `CASE ${cases.join(' ')} ELSE ${rawOf.get(target) ?? 'NULL'} END`);

  const skip = mapping.skipIfEmpty.map((name, i) => `${rawRef(name, `skipIfEmpty[${i}]`)} IS NULL`);
  // A line repeating the header, cell for cell, is the header of another file joined end to end
  // (its byte-order mark is dropped with the first cell's): skipped, never stored as a row. The
  // stage skips and counts it; a direct load finds it stored afterwards and is staged instead.
  // The other cells are compared only on a line whose first cell is the header's (one test a line).
  const otherCells = header.cells.slice(1).map((cell, i) => `COALESCE(c${i + 1}, '') = ${sqlString(cell)}`);
  const first = header.cells[0] ?? '';
  const headerAgain = `CASE WHEN c0 IN (${sqlString(first)}, ${sqlString(`\uFEFF${first}`)}, ${sqlString(`\uFEFF"${first.replaceAll('"', '""')}"`)}) THEN ${otherCells.length > 0 ? otherCells.join(' AND ') : 'true'} ELSE false END`;
  const columns = table.columns.filter((c) => ruled.has(c.name));
  for (const { column, within } of numbered) {
    within.forEach((name, i) => {
      if (!columns.some((c) => c.name === name)) rawRef(name, `derive."${column.name}".numberWithin[${i}]`);
    });
  }

  const rawSelect = (skipped: readonly string[]) => [
    ...columns.map((c) => `${ruled.get(c.name)} AS ${sqlIdent(`r_${c.name}`)}`),
    ...header.groups.map((g, i) => `${cellText(g.position, 'every space')} AS g${i}`),
    `${skipped.length > 0 ? skipped.join(' OR ') : 'false'} AS _skip`,
    // Bytes that were not CP932 became U+FFFD in the decoded copy: find the first such cell.
    ...(options.undecodable
      ? [`CASE ${Array.from({ length: width }, (_, i) => `WHEN contains(c${i}, chr(65533)) THEN ${i}`).join(' ')} END AS _undecodable`]
      : ['NULL::INTEGER AS _undecodable']),
    ...(options.undecodable ? Array.from({ length: width }, (_, i) => `c${i} AS u${i}`) : []),
  ];
  const typedSelect = columns.map((c) => `${typedOrTrimmed(c, sqlIdent(`r_${c.name}`), { tz: options.tz })} AS ${sqlIdent(`t_${c.name}`)}`);

  const badTests: Array<{ test: string; name: string; raw: string; reason?: string }> = [];
  if (options.undecodable) {
    for (let i = 0; i < width; i++) badTests.push({ test: `_undecodable = ${i}`, name: header.cells[i] ?? `#${i + 1}`, raw: `u${i}`, reason: UNDECODABLE_REASON });
  }
  for (const c of columns) {
    const r = sqlIdent(`r_${c.name}`);
    const t = sqlIdent(`t_${c.name}`);
    // A key column given in the file must be filled (purchases' line_no): the row has no identity without it.
    // A typed cell of nothing but spaces (U+3000 and the like: the ASCII ones are gone already) is empty, not bad.
    const blank = `NULLIF(trim(${r}), '') IS NULL`;
    if (c.required || table.key.includes(c.name)) badTests.push({ test: c.type === 'text' ? `${r} IS NULL` : `${r} IS NULL OR (${t} IS NULL AND ${blank})`, name: c.name, raw: r });
    if (c.type !== 'text') badTests.push({ test: `${r} IS NOT NULL AND ${t} IS NULL AND NOT ${blank}`, name: c.name, raw: r });
    // DuckDB reads `85/04/01` as the year 85: a year of fewer than four digits must not become a
    // date 1,900 years ago. The text is looked at only for the rare date before the year 1000
    // (`0001-01-01`, written so, is stored).
    if (c.type === 'date' || c.type === 'timestamp') {
      const early = `${t} < ${c.type === 'date' ? "DATE '1000-01-01'" : "TIMESTAMP '1000-01-01'"}`;
      badTests.push({ test: `${early} AND NOT regexp_matches(${r}, '${FOUR_DIGIT_YEAR}')`, name: c.name, raw: r, reason: SHORT_YEAR });
    }
  }
  // A line without an amount takes quantity × unit_price (load.ts): one more than an amount holds
  // (a code pasted into the price column) is refused here, by its line, not by the insert.
  const given = (name: string) => columns.some((c) => c.name === name);
  if (table.table === 'purchases' && given('unit_price')) {
    const product = `${given('quantity') ? `COALESCE(${sqlIdent('t_quantity')}, 1)` : '1'} * ${sqlIdent('t_unit_price')}`;
    badTests.push({
      test: `${given('amount') ? `${sqlIdent('t_amount')} IS NULL AND ` : ''}TRY_CAST(${product} AS DECIMAL(18, 4)) IS NULL AND ${sqlIdent('t_unit_price')} IS NOT NULL`,
      name: 'unit_price', raw: sqlIdent('r_unit_price'), reason: AMOUNT_OUT_OF_RANGE,
    });
  }
  const whenBad = (value: (b: (typeof badTests)[number]) => string) =>
    badTests.length > 0 ? `CASE WHEN _skip THEN NULL ${badTests.map((b) => `WHEN ${b.test} THEN ${value(b)}`).join(' ')} END` : 'NULL';

  const groupColumns = header.groups.map((g) => `${table.groupPrefix}${g.name}`);
  const finalSelect = [
    ...columns.map((c) => {
      const t = sqlIdent(`t_${c.name}`);
      return `${c.default !== undefined ? `COALESCE(${t}, ${c.default})` : t} AS ${sqlIdent(c.name)}`;
    }),
    ...groupColumns.map((name, i) => `g${i} AS ${sqlIdent(name)}`),
    '_skip',
    `${whenBad((b) => sqlString(b.name))} AS _bad`,
    // Every bad cell of a bad row, the first (_bad) included: a rejects file naming only the first
    // had the user fix one and be refused again for the next. NULL on good rows.
    badTests.length > 0
      ? `CASE WHEN ${whenBad((b) => sqlString(b.name))} IS NOT NULL THEN list_filter([${badTests.map((b) =>
        `CASE WHEN ${b.test} THEN {'column': ${sqlString(b.name)}, 'value': ${b.raw}, 'reason': ${b.reason === undefined ? 'NULL::VARCHAR' : sqlString(b.reason)}} END`).join(', ')}], x -> x IS NOT NULL) END AS _bad_cells`
      : 'NULL AS _bad_cells',
  ];

  const csvColumns = Array.from({ length: width }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const delimiter = options.delimiter ?? ',';
  const selectFrom = (skipped: readonly string[]) => `SELECT ${finalSelect.join(',\n  ')}
FROM (
  SELECT *, ${typedSelect.length > 0 ? typedSelect.join(',\n    ') : 'NULL AS _none'}
  FROM (
    SELECT ${rawSelect(skipped).join(',\n      ')}
    FROM read_csv($path, header = true, delim = ${sqlString(delimiter)}, quote = '"', escape = '"', strict_mode = true,
                  null_padding = false, max_line_size = 33554432, buffer_size = 33554432, columns = {${csvColumns}})
  )
)`;
  // A line of nothing but separators (`,,,,`, the rows below a table Excel saves) holds no row: skipped, not refused.
  const allEmpty = `(${Array.from({ length: width }, (_, i) => `COALESCE(trim(c${i}), '') = ''`).join(' AND ')})`;
  const select = selectFrom([...skip, `(${headerAgain})`, allEmpty]);
  // A text column the file gives, and its header: a line repeating the header stores that text there.
  const textColumn = [...header.positionOf].find(([name]) => columns.some((c) => c.name === name && c.type === 'text'));
  return {
    select,
    directSelect: selectFrom(skip),
    headerAgain: textColumn && { column: textColumn[0], text: header.cells[textColumn[1]]!.trim() },
    // A regular table, not TEMP: inside the import transaction DuckDB writes a large one to the
    // database file as it grows instead of holding it in memory; it never outlives the transaction.
    sql: `CREATE OR REPLACE TABLE ${STAGE_TABLE} AS ${select}`,
    columns,
    numbered,
    groupColumns,
    skips: skip.length > 0,
    width,
  };
}

/**
 * A cell's text without surrounding blanks, NULL when empty. Trimming allocates a new string, so
 * it is done only for the rare cell that needs it: this is most of the reading cost otherwise.
 * The blanks are DuckDB trim()'s, the Unicode space separators: full-width (U+3000) and no-break
 * (U+00A0) ones pad cells of Japanese exports (`東京都　`, which `東京都` would not find). For a
 * text column (`every space`) a cell may start with one when it starts with U+00A0 or above (a
 * string comparison of its first bytes, as cheap as `prefix`), and ends with one of the two as
 * checked; the other separators (U+2000…) at a cell's end are left: each `suffix` costs about
 * 5 ns a cell, and a typed column (`ascii space`), whose cells are mostly digits and times, is
 * trimmed of the others only where its reading fails (typedOrTrimmed).
 * The first cell of a line also drops a byte-order mark: one in the middle of a file comes from
 * files joined end to end, and would otherwise hide inside an id.
 * `prefix` / `suffix` rather than `starts_with` / `ends_with`, and one CASE for the mark and the
 * blanks: the import of the benchmark's 27M mail events read them in 9.6 s instead of 10.4 s.
 */
function cellText(position: number, spaces: 'every space' | 'ascii space'): string {
  const cell = `c${position}`;
  // U+FEFF (the mark) is above U+00A0 too: the first test catches it.
  const untidy = [`prefix(${cell}, ' ')`, `suffix(${cell}, ' ')`, ...(spaces === 'every space' ? [`${cell} >= chr(160)`, `suffix(${cell}, chr(12288))`, `suffix(${cell}, chr(160))`]
    : position === 0 ? [`prefix(${cell}, chr(65279))`] : [])];
  // After the mark, a quote does not open a quoted field for DuckDB's reader (`\uFEFF"00013"`, as
  // Excel writes each file it saves): the cell keeps its quotes, which are taken off here.
  const unmarked = `trim(ltrim(${cell}, chr(65279)))`;
  const tidied = position === 0
    ? `CASE WHEN prefix(${cell}, chr(65279) || '"') AND suffix(${unmarked}, '"') AND strlen(${unmarked}) >= 2 THEN replace(${unmarked}[2:-2], '""', '"') ELSE ${unmarked} END`
    : `trim(${cell})`;
  return `CASE WHEN ${cell} = '' THEN NULL WHEN ${untidy.join(' OR ')} THEN NULLIF(${tidied}, '') ELSE ${cell} END`;
}

/**
 * A typed column's value: read from the cell as cellText left it (ASCII spaces trimmed), and where
 * that fails, read again trimmed of every space (`　120`, `2024-01-05\u00a0`). Only the rare
 * unreadable cell pays for the second reading (COALESCE evaluates it for those rows only).
 */
function typedOrTrimmed(column: ColumnDef, raw: string, options: { tz?: string }): string {
  const trimmed = `NULLIF(trim(${raw}), '')`;
  return `COALESCE(${typedExpression(column, raw, options)}, CASE WHEN ${raw} IS NOT NULL AND ${trimmed} <> ${raw} THEN ${typedExpression(column, `(${trimmed})`, options)} END)`;
}
