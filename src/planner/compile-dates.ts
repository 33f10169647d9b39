import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { AgeCondition, BirthdayCondition, MonthDay, TenureCondition } from '../model/segment.js';
import type { PlannerContext } from './context.js';
import { inNumberRange, whenPresent } from './ranges.js';

const monthDayNumber = (md: MonthDay) => md.month * 100 + md.day;
/** The last day of each month in any year (29 for February: a 29 February birthday is in February). */
const LAST_DAY = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Birthday in a month-day window, inclusive; a window whose `from` is after `to` wraps the year end. */
export function compileBirthday(leaf: BirthdayCondition, ctx: PlannerContext): Sql<boolean> {
  const from = monthDayNumber(leaf.from);
  const to = monthDayNumber(leaf.to);
  const wholeMonths = from % 100 === 1 && to % 100 === LAST_DAY[Math.floor(to / 100) - 1];
  // Whole months (12-01 to 12-31, 02-01 to 02-29) compare the month alone: cheaper per row.
  const md = wholeMonths ? ctx.dialect.month(sql.ref('c.birthday')) : ctx.dialect.monthDay(sql.ref('c.birthday'));
  if (wholeMonths) {
    const [fromMonth, toMonth] = [Math.floor(from / 100), Math.floor(to / 100)];
    return whenPresent(sql.ref('c.birthday'), fromMonth <= toMonth ? sql`${md} BETWEEN ${fromMonth} AND ${toMonth}` : sql`(${md} >= ${fromMonth} OR ${md} <= ${toMonth})`);
  }
  return whenPresent(sql.ref('c.birthday'), from <= to ? sql`${md} BETWEEN ${from} AND ${to}` : sql`(${md} >= ${from} OR ${md} <= ${to})`);
}

/** Full years at the as-of date; a birthday not yet reached this year does not count. */
export function compileAge(leaf: AgeCondition, ctx: PlannerContext): Sql<boolean> {
  return whenPresent(sql.ref('c.birthday'), inNumberRange(ctx.dialect.fullYears(sql.ref('c.birthday'), ctx.asOfText), leaf));
}

/** Days from the day of registration to the as-of date. */
export function compileTenure(leaf: TenureCondition, ctx: PlannerContext): Sql<boolean> {
  return whenPresent(sql.ref('c.registered_at'), inNumberRange(ctx.dialect.daysUntil(sql.ref('c.registered_at'), ctx.asOfText), leaf));
}
