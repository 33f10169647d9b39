import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import { parseLocalDate, resolveRange, shiftDate } from '../../model/dates.js';
import type { DateRange, NumberRange } from '../../model/segment.js';
import type { ClickHouseContext } from './context.js';

/**
 * `value` inside an inclusive number range; `amount` compares a DECIMAL exactly (18.16 refuses
 * Decimal against a float). NULL-valued when `value` is NULL: wrap in `isTrue`.
 */
export function inNumberRange(ctx: ClickHouseContext, value: Sql, range: NumberRange, amount = false): Sql<boolean> {
  const bound = (v: number) => (amount ? ctx.dialect.decimal(v) : sql`${v}`);
  const tests: Sql[] = [];
  if (range.min !== undefined) tests.push(sql`${value} >= ${bound(range.min)}`);
  if (range.max !== undefined) tests.push(sql`${value} <= ${bound(range.max)}`);
  return tests.length === 0 ? ctx.dialect.yes : sql`(${sql.join(tests, sql` AND `)})`;
}

/** Does a number range hold for 0 (a customer without any row)? */
export const rangeHoldsForZero = (range: NumberRange): boolean => (range.min ?? 0) <= 0 && (range.max ?? 0) >= 0;

/** DateTime's range (part A's literal function refuses a timestamp outside it). */
const FIRST_TIME = '1970-01-01 00:00:00';
const LAST_TIME = '2105-12-31 23:59:59';
// Fixed width, so texts compare as times (a resolved year may have five digits).
const key = (t: string) => t.padStart(20, '0');

/**
 * `value` (a DateTime) inside a date range (whole-day `to` included, relative dates at the as-of
 * date). NULL-valued when `value` is NULL. A bound outside DateTime's range holds for every
 * stored time or for none, so it is decided here rather than written (DuckDB's answer, no refusal).
 */
export function inDateRange(ctx: ClickHouseContext, value: Sql, range: DateRange): Sql<boolean> {
  const resolved = resolveRange(range, ctx.asOf);
  const tests: Sql[] = [];
  const { from, to } = resolved;
  if (from !== undefined && key(from) > key(LAST_TIME)) return ctx.dialect.no;
  if (to !== undefined && (resolved.toExclusive ? key(to) <= key(FIRST_TIME) : key(to) < key(FIRST_TIME))) return ctx.dialect.no;
  if (from !== undefined && key(from) > key(FIRST_TIME)) tests.push(sql`${value} >= ${ctx.dialect.timestamp(from)}`);
  if (to !== undefined && key(to) <= key(LAST_TIME)) tests.push(resolved.toExclusive ? sql`${value} < ${ctx.dialect.timestamp(to)}` : sql`${value} <= ${ctx.dialect.timestamp(to)}`);
  return tests.length === 0 ? sql`isNotNull(${value})` : sql`(${sql.join(tests, sql` AND `)})`;
}

/**
 * Two-valued for a condition that is NULL only when `value` is. Not `isNotNull(x) AND …`:
 * in 18.16 `0 AND NULL` is NULL (no three-valued logic), so only ifNull makes it two-valued.
 */
export const whenPresent = (_value: Sql, condition: Sql): Sql<boolean> => sql`ifNull(${condition}, 0)`;

export const not = (condition: Sql<boolean>): Sql<boolean> => sql`(NOT ${condition})`;

/** YYYYMMDD of a resolved timestamp's day, and whether the timestamp is after that day's midnight. */
function dayOf(timestamp: string): { day: number; afterMidnight: boolean } {
  const [date, time = '00:00:00'] = timestamp.split(' ') as [string, string?];
  const day = shiftDate(parseLocalDate(date)!, 1, 0, 'd');
  return { day: day.y * 10000 + day.m * 100 + day.d, afterMidnight: time !== '00:00:00' };
}

const nextDay = (yyyymmdd: number): number => {
  const next = shiftDate({ y: Math.floor(yyyymmdd / 10000), m: Math.floor(yyyymmdd / 100) % 100, d: yyyymmdd % 100 }, 1, 1, 'd');
  return next.y * 10000 + next.m * 100 + next.d;
};

/**
 * A date column (YYYYMMDD integer: part A's schema) inside a date range, compared as DuckDB
 * compares a DATE with a timestamp: the day at midnight. NULL-valued when `value` is NULL.
 */
export function inDayRange(ctx: ClickHouseContext, value: Sql, range: DateRange): Sql<boolean> {
  const resolved = resolveRange(range, ctx.asOf);
  const tests: Sql[] = [];
  if (resolved.from !== undefined) {
    const from = dayOf(resolved.from);
    tests.push(sql`${value} >= ${from.afterMidnight ? nextDay(from.day) : from.day}`);
  }
  if (resolved.to !== undefined) {
    const to = dayOf(resolved.to);
    tests.push(resolved.toExclusive && !to.afterMidnight ? sql`${value} < ${to.day}` : sql`${value} <= ${to.day}`);
  }
  return tests.length === 0 ? sql`isNotNull(${value})` : sql`(${sql.join(tests, sql` AND `)})`;
}

/**
 * A time written as text `YYYY-MM-DD HH:MM:SS` (an attribute read as a date) inside a date
 * range, compared as text: fixed width, so text order is time order, for any year.
 */
export function inTimeTextRange(ctx: ClickHouseContext, text: Sql, range: DateRange): Sql<boolean> {
  const resolved = resolveRange(range, ctx.asOf);
  const tests: Sql[] = [];
  if (resolved.from !== undefined) tests.push(sql`${text} >= ${resolved.from}`);
  // The day after 9999-12-31 has a five-digit year: every text is before it.
  if (resolved.to !== undefined && resolved.to.length === 19) tests.push(resolved.toExclusive ? sql`${text} < ${resolved.to}` : sql`${text} <= ${resolved.to}`);
  return tests.length === 0 ? sql`isNotNull(${text})` : sql`(${sql.join(tests, sql` AND `)})`;
}
