import type { SqlDialect } from '../dialect/dialect.js';
import type { ExportColumn } from './columns.js';

/** The evaluated segment, materialised once per export run (see export-segment.ts). */
export const MEMBERS_TABLE = 'kumiwake_members';

export type HeaderStyle = 'canonical' | 'ja';

export const headerOf = (column: ExportColumn, headers: HeaderStyle): string => (headers === 'ja' ? column.label : column.name);

const expressionOf = (column: ExportColumn, d: SqlDialect): string =>
  'column' in column.source ? `c.${d.quoteIdentifier(column.source.column)}` : column.source.figure;

/** How a column is written for a format that stores text only (CSV). */
function asText(column: ExportColumn, d: SqlDialect): string {
  const expression = expressionOf(column, d);
  switch (column.type) {
    case 'decimal': return d.decimalText(expression); // 12345.0000 → 12345: a yen amount reads as one
    case 'tags': return d.tagsText(expression);
    default: return expression;
  }
}

/** How a column is written for a typed format (xlsx, Arrow): plain JS-friendly types. */
function asTyped(column: ExportColumn, d: SqlDialect): string {
  const expression = expressionOf(column, d);
  return column.type === 'decimal' || column.type === 'integer' ? d.asDouble(expression) : expression;
}

export type Rendering = 'text' | 'typed' | 'native';

/**
 * SELECT of the export's columns over the members table, one row per customer, ordered by
 * customer_id (after `sort`, when given) so that two runs over the same data give the same rows.
 */
export function exportSelect(
  d: SqlDialect, columns: readonly ExportColumn[], headers: HeaderStyle, rendering: Rendering,
  sort?: { readonly column: ExportColumn; readonly descending: boolean },
): string {
  const render = rendering === 'text' ? asText : rendering === 'typed' ? asTyped : expressionOf;
  const list = columns.map((c) => `${render(c, d)} AS ${d.quoteIdentifier(headerOf(c, headers))}`).join(', ');
  const first = sort ? `${expressionOf(sort.column, d)} ${sort.descending ? 'DESC' : 'ASC'} NULLS LAST, ` : '';
  return `SELECT ${list} FROM ${MEMBERS_TABLE} AS m JOIN customers AS c ON c.customer_id = m.customer_id
    LEFT JOIN customer_summary AS s ON s.customer_id = m.customer_id ORDER BY ${first}c.customer_id`;
}
