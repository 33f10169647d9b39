import type { SqlDialect } from '../dialect/dialect.js';
import type { ExportColumn } from './columns.js';
import type { CsvFormulas, HeaderStyle, ValueStyle } from './formats.js';

export type { HeaderStyle } from './formats.js';

/** The evaluated segment, materialised once per export run (see export-segment.ts). */
export const MEMBERS_TABLE = 'kumiwake_members';

/** How cells are written: enum values and booleans as stored or as labels, CSV formulas neutralised or kept. */
export interface CellStyle {
  readonly values: ValueStyle;
  readonly csvFormulas: CsvFormulas;
}
const AS_STORED: CellStyle = { values: 'canonical', csvFormulas: 'keep' };

export const headerOf = (column: ExportColumn, headers: HeaderStyle): string => (headers === 'ja' ? column.label : column.name);

// The id comes from the members table: a customer who left a segment (kumiwake diff) may no
// longer be in the customers table, and is still listed by id.
const expressionOf = (column: ExportColumn, d: SqlDialect): string =>
  'column' in column.source ? `${column.source.column === 'customer_id' ? 'm' : 'c'}.${d.quoteIdentifier(column.source.column)}` : column.source.figure;

/** The column's Japanese value labels, when asked for and it has them (enums, booleans). */
const labelsOf = (column: ExportColumn, cells: CellStyle) => (cells.values === 'ja' ? column.valueLabels : undefined);

/** How a column is written for a format that stores text only (CSV). */
function asText(column: ExportColumn, d: SqlDialect, cells: CellStyle): string {
  const expression = expressionOf(column, d);
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
function asTyped(column: ExportColumn, d: SqlDialect, cells: CellStyle): string {
  const expression = expressionOf(column, d);
  const labels = labelsOf(column, cells);
  if (labels) return d.labelledText(expression, labels);
  return column.type === 'decimal' || column.type === 'integer' ? d.asDouble(expression) : expression;
}

export type Rendering = 'text' | 'typed' | 'native';

/**
 * SELECT of the export's columns over the members table, one row per customer, ordered by
 * customer_id (after `sort`, when given) so that two runs over the same data give the same rows.
 * `cells` applies to text and typed renderings (native values are always as stored).
 */
export function exportSelect(
  d: SqlDialect, columns: readonly ExportColumn[], headers: HeaderStyle, rendering: Rendering,
  sort?: { readonly column: ExportColumn; readonly descending: boolean },
  cells: CellStyle = AS_STORED,
): string {
  const render = rendering === 'text' ? asText : rendering === 'typed' ? asTyped : expressionOf;
  const list = columns.map((c) => `${render(c, d, cells)} AS ${d.quoteIdentifier(headerOf(c, headers))}`).join(', ');
  const first = sort ? `${expressionOf(sort.column, d)} ${sort.descending ? 'DESC' : 'ASC'} NULLS LAST, ` : '';
  return `SELECT ${list} FROM ${MEMBERS_TABLE} AS m LEFT JOIN customers AS c ON c.customer_id = m.customer_id
    LEFT JOIN customer_summary AS s ON s.customer_id = m.customer_id ORDER BY ${first}m.customer_id`;
}
