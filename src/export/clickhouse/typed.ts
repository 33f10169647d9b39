/**
 * Typed values of a ClickHouse list as DuckDB's driver gives them (Excel, Arrow and a diff's rows
 * read JS values): a date column arrives as `YYYY-MM-DD` text (stored as YYYYMMDD, any year) and
 * becomes a UTC Date of that day; yes/no arrives as 0/1 and becomes a boolean; tags arrive as a
 * list, `[]` for none, which DuckDB stores as NULL.
 */
import type { ExportColumn } from '../columns.js';

type Convert = (value: unknown) => unknown;

const asDate: Convert = (v) => (typeof v === 'string' ? new Date(`${v}T00:00:00Z`) : v);
const asBoolean: Convert = (v) => (typeof v === 'number' ? v !== 0 : typeof v === 'bigint' ? v !== 0n : v);
const tagsOrNull: Convert = (v) => (Array.isArray(v) && v.length === 0 ? null : v);

/** The conversion of each column, or undefined where none is needed (labelled values are text). */
export function typedConversions(columns: readonly ExportColumn[], labelled: boolean): Array<Convert | undefined> {
  return columns.map((c) => {
    if (labelled && c.valueLabels) return undefined;
    return c.type === 'date' ? asDate : c.type === 'boolean' ? asBoolean : c.type === 'tags' ? tagsOrNull : undefined;
  });
}

/** Converts a batch of columns in place. */
export function convertColumns(data: unknown[][], conversions: ReadonlyArray<Convert | undefined>): void {
  for (let c = 0; c < data.length; c++) {
    const convert = conversions[c];
    if (!convert) continue;
    const column = data[c]!;
    for (let r = 0; r < column.length; r++) column[r] = convert(column[r]);
  }
}

/** Converts one row (an object keyed by the columns' headers) in place. */
export function convertRow(row: Record<string, unknown>, keys: readonly string[], conversions: ReadonlyArray<Convert | undefined>): void {
  keys.forEach((key, i) => {
    const convert = conversions[i];
    if (convert) row[key] = convert(row[key]);
  });
}
