import { describe, expect, it } from 'vitest';
import type { ExportColumn } from '../../src/export/columns.js';
import { sheetValueOf, significantDigits } from '../../src/export/excel-values.js';

const column = (type: ExportColumn['type']): ExportColumn => ({ name: 'x', label: 'x', type, source: { column: 'x' } });
/** A column's values as the Excel writer puts them in cells, and how many went as text. */
function cells(type: ExportColumn['type'], values: readonly unknown[]): { cells: unknown[]; asText: number } {
  const counter = { valuesAsText: 0 };
  const convert = sheetValueOf(column(type), false, counter)!;
  return { cells: values.map(convert), asText: counter.valuesAsText };
}

describe('values an Excel cell holds exactly, else as text', () => {
  it('counts significant digits between the first and last digit other than zero', () => {
    expect(['12345', '-0.5', '0.0001234', '1230000000000000000', '12345678901234.5678', '0', '-000.000'].map(significantDigits))
      .toEqual([5, 1, 4, 3, 18, 0, 0]);
  });

  it('keeps integers of up to 15 significant digits as numbers, whatever their size, and writes longer ones as text', () => {
    expect(cells('integer', [3n, -999_999_999_999_999n, 1_230_000_000_000_000_000n, 1_234_567_890_123_456n, -12_345_678_901_234_567n, 7, null]))
      .toEqual({ cells: [3, -999_999_999_999_999, 1.23e18, '1234567890123456', '-12345678901234567', 7, null], asText: 2 });
  });

  it('reads decimals from their exact text, a number when 15 digits hold it', () => {
    expect(cells('decimal', ['1500', '-0.5', '123456789012345', '12345678901234.5678', '-1234567890123456', null]))
      .toEqual({ cells: [1500, -0.5, 123456789012345, '12345678901234.5678', '-1234567890123456', null], asText: 2 });
  });

  it('moves dates and times before 1 March 1900 back one day, as Excel counts a 29 February 1900, and writes those before 1900 as text', () => {
    const utc = (...parts: [number, number, number, number?, number?]) => new Date(Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3] ?? 0, parts[4] ?? 0));
    const dates = cells('date', [utc(1900, 1, 1), utc(1900, 2, 28), utc(1900, 3, 1), utc(1899, 12, 31), utc(1985, 6, 15)]);
    expect(dates).toEqual({ cells: [utc(1899, 12, 31), utc(1900, 2, 27), utc(1900, 3, 1), '1899-12-31', utc(1985, 6, 15)], asText: 1 });
    const times = cells('timestamp', [utc(1900, 2, 28, 23, 30), utc(1899, 5, 5, 9, 15)]);
    expect(times).toEqual({ cells: [utc(1900, 2, 27, 23, 30), '1899-05-05 09:15:00'], asText: 1 });
  });

  it('leaves labelled values and other types alone', () => {
    expect(sheetValueOf({ ...column('integer'), valueLabels: { 1: '一' } }, true, { valuesAsText: 0 })).toBeUndefined();
    expect(sheetValueOf(column('text'), false, { valuesAsText: 0 })).toBeUndefined();
  });
});
