import { sqlString } from '../../../dialect/duckdb/sql-text.js';
import { booleanSpellings, type ColumnDef } from '../../../catalog/tables.js';

/**
 * SQL that reads one trimmed, non-empty raw text value (`raw`, NULL when the cell is empty)
 * as the column's type. The result is NULL when the text cannot be read: the stage query
 * marks such a row as bad ("cannot read ... as a timestamp") unless the raw value was NULL.
 */
export function typedExpression(column: ColumnDef, raw: string): string {
  // COALESCE evaluates a fallback only for the rows the cheaper reading left NULL: the plain
  // cast reads almost every cell, and the string rewriting is paid for by the few others.
  switch (column.type) {
    case 'text':
      return raw;
    case 'integer':
      return `COALESCE(TRY_CAST(${raw} AS BIGINT), TRY_CAST(replace(${raw}, ',', '') AS BIGINT))`;
    case 'decimal':
      return `COALESCE(TRY_CAST(${raw} AS DECIMAL(18, 4)),
        TRY_CAST(replace(replace(replace(replace(${raw}, ',', ''), '¥', ''), '￥', ''), '円', '') AS DECIMAL(18, 4)))`;
    case 'boolean': {
      const spelled = (exact: string) => `CASE WHEN ${exact} IN (${booleanSpellings.true.map(sqlString).join(', ')}) THEN true
        WHEN ${exact} IN (${booleanSpellings.false.map(sqlString).join(', ')}) THEN false END`;
      return `COALESCE(${spelled(raw)}, ${spelled(`lower(${raw})`)})`;
    }
    case 'date':
      return `CAST(${timestampExpression(raw)} AS DATE)`;
    case 'timestamp':
      return timestampExpression(raw);
    case 'enum': {
      const spelled = (exact: string) =>
        `CASE ${exact} ${Object.entries(column.values ?? {})
          .map(([spelling, value]) => `WHEN ${sqlString(spelling.toLowerCase())} THEN ${sqlString(value)}`)
          .join(' ')} END`;
      return `COALESCE(${spelled(raw)}, ${spelled(`lower(${raw})`)}${column.open ? `, ${raw}` : ''})`;
    }
    case 'tags':
      return `list_filter(list_transform(regexp_split_to_array(${raw}, '[;；、]'), t -> trim(t)), t -> t <> '')`;
  }
}

/**
 * Dates `YYYY-MM-DD` and `YYYY/MM/DD`, optionally with ` H:MM[:SS]`, and compact `YYYYMMDD`.
 * DuckDB's own cast is the fast path; the rewrites only see what the cast refused.
 */
function timestampExpression(raw: string): string {
  return `COALESCE(TRY_CAST(${raw} AS TIMESTAMP), TRY_CAST(replace(${raw}, '/', '-') AS TIMESTAMP), try_strptime(${raw}, '%Y%m%d'))`;
}

/** The name of a type in an error message: `cannot read "x" as a timestamp`. */
export function typeDescription(column: ColumnDef): string {
  switch (column.type) {
    case 'enum':
      return `one of ${[...new Set(Object.values(column.values ?? {}))].sort().join('/')}`;
    case 'integer':
      return 'an integer';
    case 'decimal':
      return 'a number';
    case 'boolean':
      return 'a boolean (true/false, 1/0, はい/いいえ, ○/×)';
    default:
      return `a ${column.type}`;
  }
}
