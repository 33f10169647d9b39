import type { ExportColumn } from './columns.js';

/**
 * Values as an Excel cell holds them exactly, else as text. Excel keeps 15 significant digits of
 * a number (a 17-digit id or a DECIMAL(38, 4) sum of more would come back rounded, with nothing
 * to tell), and its day numbers count from 1900-01-01 with a 29 February 1900 that never was:
 * a day number written for a date before 1 March 1900 shows the day after (1900-01-01, a usual
 * "unknown" birthday, as 1900-01-02), and before 1900 there is none. So such a date is written
 * one day earlier from 1900-01-01 on, and as its text before; a number of more digits, as text.
 */

/** The significant digits an Excel number keeps. */
export const EXCEL_DIGITS = 15;

const DAY_MS = 86_400_000;
const JANUARY_1900 = Date.UTC(1900, 0, 1);
const MARCH_1900 = Date.UTC(1900, 2, 1);
const LARGEST = 10n ** BigInt(EXCEL_DIGITS);

/** Counts the values written as text because Excel could not hold them. */
export interface TextCounter {
  valuesAsText: number;
}

export type SheetValue = (value: unknown) => unknown;

/** The conversion of a column's values for a sheet ('sheet' rendering, select.ts), or undefined: none. */
export function sheetValueOf(column: ExportColumn, labelled: boolean, counter: TextCounter): SheetValue | undefined {
  if (labelled && column.valueLabels) return undefined;
  switch (column.type) {
    case 'integer': return (v) => integerCell(v, counter);
    case 'decimal': return (v) => decimalCell(v, counter);
    case 'date': return (v) => dateCell(v, false, counter);
    case 'timestamp': return (v) => dateCell(v, true, counter);
    default: return undefined;
  }
}

function integerCell(value: unknown, counter: TextCounter): unknown {
  if (typeof value === 'bigint') {
    if ((value < LARGEST && value > -LARGEST) || significantDigits(String(value)) <= EXCEL_DIGITS) return Number(value);
    counter.valuesAsText++;
    return String(value);
  }
  return value;
}

/** A decimal arrives as its exact text (`12345`, `-0.5`): a number when 15 digits hold it. */
function decimalCell(value: unknown, counter: TextCounter): unknown {
  if (typeof value !== 'string') return value;
  // No more characters than Excel's digits: no more digits either (nearly every cell, no regex).
  if (value.length <= EXCEL_DIGITS || significantDigits(value) <= EXCEL_DIGITS) return Number(value);
  counter.valuesAsText++;
  return value;
}

/** The digits of a plain decimal text between its first and last digit other than zero. */
export function significantDigits(text: string): number {
  const digits = text.replace(/[^0-9]/g, '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length;
}

function dateCell(value: unknown, withTime: boolean, counter: TextCounter): unknown {
  if (!(value instanceof Date)) return value;
  const t = value.getTime();
  if (t >= MARCH_1900) return value;
  if (t >= JANUARY_1900) return new Date(t - DAY_MS);
  counter.valuesAsText++;
  const text = value.toISOString(); // 1899-12-31T10:00:00.000Z: the UTC fields are the stored ones
  return withTime ? `${text.slice(0, 10)} ${text.slice(11, 19)}` : text.slice(0, 10);
}
