/**
 * How wide a typed cell of a ClickHouse list is, as write-xlsx.ts measures DuckDB's: the width of
 * the value as DuckDB writes it as text (the 'sheet' rendering: an integer as stored, a decimal
 * as its text); a list `[a, b]`, and no tags is NULL.
 */
import type { SqlDialect } from '../../dialect/dialect.js';
import type { ExportColumn } from '../columns.js';

/** The width of the column named `header` of the list (a subquery), in the dialect's display width. */
export function serverCellWidth(d: SqlDialect, column: ExportColumn, header: string, labelled: boolean): string {
  const x = d.quoteIdentifier(header);
  if (labelled && column.valueLabels) return d.displayWidth(x);
  if (column.type === 'tags') return `if(empty(${x}), NULL, ${d.displayWidth(`arrayStringConcat(${x}, ', ')`)} + 2)`;
  return d.displayWidth(x);
}
