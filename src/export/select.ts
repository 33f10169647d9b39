import { sqlIdent } from '../db/sql-text.js';
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
 * customer_id so that two runs over the same data write the same file.
 */
export function exportSelect(columns: readonly ExportColumn[], headers: HeaderStyle, rendering: Rendering): string {
  const render = rendering === 'text' ? asText : rendering === 'typed' ? asTyped : (c: ExportColumn) => c.expression;
  const list = columns.map((c) => `${render(c)} AS ${sqlIdent(headerOf(c, headers))}`).join(', ');
  return `SELECT ${list} FROM ${MEMBERS_TABLE} AS m JOIN customers AS c ON c.customer_id = m.customer_id
    LEFT JOIN customer_summary AS s ON s.customer_id = m.customer_id ORDER BY c.customer_id`;
}
