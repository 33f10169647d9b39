import { sqlIdent, sqlString } from '../../../dialect/duckdb/sql-text.js';
import { KumiwakeError } from '../../../errors.js';
import type { ColumnDef, TableDef } from '../../../catalog/tables.js';
import type { MappedHeader } from '../../../import/header.js';
import type { Mapping, RuleCondition } from '../../../import/mapping.js';
import { typedExpression } from './values.js';

export const STAGE_TABLE = 'kumiwake_stage';

/** The columns of a staged file, once typed. */
export interface StagePlan {
  /** the typed rows of the file, straight from the CSV reader (`$path`) */
  readonly select: string;
  /** materialises `select` as the stage table, in file order */
  readonly sql: string;
  /** canonical columns the stage holds a value for (present in the file or set by a rule) */
  readonly columns: readonly ColumnDef[];
  /** the mapping skips some rows (skipIfEmpty) */
  readonly skips: boolean;
  /** the table's `attr:NAME` / `group:NAME` columns the file fills (created by the load if new) */
  readonly groupColumns: readonly string[];
}

/**
 * Builds the query that reads a CSV file with DuckDB's parallel reader, applies the mapping
 * rules, types every value and marks each row as good, skipped (`_skip`) or bad (`_bad` names the
 * first column that failed, `_bad_value` its text). The stage keeps file order, so its `rowid` is
 * the record's position in the file: that is how a bad value is traced back to its line.
 * The file path is the bound parameter `$path`.
 */
export function planStage(table: TableDef, header: MappedHeader, width: number, mapping: Mapping, mappingFile = 'mapping'): StagePlan {
  const rawOf = new Map<string, string>();
  for (const [name, position] of header.positionOf) rawOf.set(name, cellText(cellRef(position)));
  const rawRef = (name: string, where: string): string => {
    const raw = rawOf.get(name);
    if (raw === undefined) throw new KumiwakeError('mapping-unknown-column', `${mappingFile}: ${where}: column "${name}" is not in the file`);
    return raw;
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
        throw new KumiwakeError('mapping-unknown-target', `${mappingFile}: rules[${i}].set: "${target}" is not a column of ${table.table}`);
      }
      const cases = ruleCases.get(target) ?? [];
      cases.push(`WHEN ${condition(rule.when, `rules[${i}].when`)} THEN ${sqlString(value)}`);
      ruleCases.set(target, cases);
    }
  });
  for (const [target, cases] of ruleCases) ruled.set(target, `CASE ${cases.join(' ')} ELSE ${rawOf.get(target) ?? 'NULL'} END`);

  const skip = mapping.skipIfEmpty.map((name) => `${rawRef(name, 'skipIfEmpty')} IS NULL`);
  const columns = table.columns.filter((c) => ruled.has(c.name));

  const rawSelect = [
    ...columns.map((c) => `${ruled.get(c.name)} AS ${sqlIdent(`r_${c.name}`)}`),
    ...header.groups.map((g, i) => `${cellText(cellRef(g.position))} AS g${i}`),
    `${skip.length > 0 ? skip.join(' OR ') : 'false'} AS _skip`,
  ];
  const typedSelect = columns.map((c) => `${typedExpression(c, sqlIdent(`r_${c.name}`))} AS ${sqlIdent(`t_${c.name}`)}`);

  const badTests = columns.flatMap((c) => {
    const r = sqlIdent(`r_${c.name}`);
    const t = sqlIdent(`t_${c.name}`);
    const tests: Array<[string, string]> = [];
    // A key column given in the file must be filled (purchases' line_no): the row has no identity without it.
    if (c.required || table.key.includes(c.name)) tests.push([`${r} IS NULL`, c.name]);
    if (c.type !== 'text') tests.push([`${r} IS NOT NULL AND ${t} IS NULL`, c.name]);
    return tests.map(([test, name]) => ({ test, name, raw: r }));
  });
  const badColumn = badTests.length > 0 ? `CASE WHEN _skip THEN NULL ${badTests.map((b) => `WHEN ${b.test} THEN ${sqlString(b.name)}`).join(' ')} END` : 'NULL';
  const badValue = badTests.length > 0 ? `CASE WHEN _skip THEN NULL ${badTests.map((b) => `WHEN ${b.test} THEN ${b.raw}`).join(' ')} END` : 'NULL';

  const groupColumns = header.groups.map((g) => `${table.groupPrefix}${g.name}`);
  const finalSelect = [
    ...columns.map((c) => {
      const t = sqlIdent(`t_${c.name}`);
      return `${c.default !== undefined ? `COALESCE(${t}, ${c.default})` : t} AS ${sqlIdent(c.name)}`;
    }),
    ...groupColumns.map((name, i) => `g${i} AS ${sqlIdent(name)}`),
    '_skip',
    `${badColumn} AS _bad`,
    `${badValue} AS _bad_value`,
  ];

  const csvColumns = Array.from({ length: width }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const select = `SELECT ${finalSelect.join(',\n  ')}
FROM (
  SELECT *, ${typedSelect.length > 0 ? typedSelect.join(',\n    ') : 'NULL AS _none'}
  FROM (
    SELECT ${rawSelect.join(',\n      ')}
    FROM read_csv($path, header = true, delim = ',', quote = '"', escape = '"', strict_mode = true,
                  null_padding = false, max_line_size = 33554432, buffer_size = 33554432, columns = {${csvColumns}})
  )
)`;
  return {
    select,
    // A regular table, not TEMP: inside the import transaction DuckDB writes a large one to the
    // database file as it grows instead of holding it in memory; it never outlives the transaction.
    sql: `CREATE OR REPLACE TABLE ${STAGE_TABLE} AS ${select}`,
    columns,
    groupColumns,
    skips: skip.length > 0,
  };
}

/**
 * A raw cell. The first cell of a line drops a byte-order mark: one in the middle of a file comes
 * from files joined end to end, and would otherwise hide inside an id.
 */
function cellRef(position: number): string {
  return position === 0 ? `CASE WHEN starts_with(c0, chr(65279)) THEN ltrim(c0, chr(65279)) ELSE c0 END` : `c${position}`;
}

/**
 * A cell's text without surrounding blanks, NULL when empty. Trimming allocates a new string, so
 * it is done only for the rare cell that needs it: this is most of the reading cost otherwise.
 */
function cellText(cell: string): string {
  return `CASE WHEN ${cell} = '' THEN NULL WHEN starts_with(${cell}, ' ') OR ends_with(${cell}, ' ') THEN NULLIF(trim(${cell}), '') ELSE ${cell} END`;
}
