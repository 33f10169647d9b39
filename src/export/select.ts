import { sqlIdent } from '../engine/duckdb/sql-text.js';
import type { ExportColumn } from './columns.js';

/** The evaluated segment, materialised once per export run (see export-segment.ts). */
export const MEMBERS_TABLE = 'kumiwake_members';

export type HeaderStyle = 'canonical' | 'ja';

export const headerOf = (column: ExportColumn, headers: HeaderStyle): string => (headers === 'ja' ? column.label : column.name);

/** How a column is written for a format that stores text only (CSV). */
function asText(column: ExportColumn): string {
  switch (column.type) {
    // 12345.0000 → 12345, 0.5000 → 0.5: a yen amount reads as one.
    case 'decimal': return `rtrim(rtrim(CAST(${column.expression} AS VARCHAR), '0'), '.')`;
    case 'tags': return `array_to_string(${column.expression}, ';')`;
    default: return column.expression;
  }
}

/** How a column is written for a typed format (xlsx, Arrow): plain JS-friendly types. */
function asTyped(column: ExportColumn): string {
  switch (column.type) {
    case 'decimal': return `CAST(${column.expression} AS DOUBLE)`;
    case 'integer': return `CAST(${column.expression} AS DOUBLE)`;
    default: return column.expression;
  }
}

export type Rendering = 'text' | 'typed' | 'native';

/**
 * SELECT of the export's columns over the members table, one row per customer, ordered by
 * customer_id (after `sort`, when given) so that two runs over the same data give the same rows.
 */
export function exportSelect(
  columns: readonly ExportColumn[], headers: HeaderStyle, rendering: Rendering, sort?: { readonly column: ExportColumn; readonly descending: boolean },
): string {
  const render = rendering === 'text' ? asText : rendering === 'typed' ? asTyped : (c: ExportColumn) => c.expression;
  const list = columns.map((c) => `${render(c)} AS ${sqlIdent(headerOf(c, headers))}`).join(', ');
  const first = sort ? `${sort.column.expression} ${sort.descending ? 'DESC' : 'ASC'} NULLS LAST, ` : '';
  return `SELECT ${list} FROM ${MEMBERS_TABLE} AS m JOIN customers AS c ON c.customer_id = m.customer_id
    LEFT JOIN customer_summary AS s ON s.customer_id = m.customer_id ORDER BY ${first}c.customer_id`;
}
