import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { AgeCondition, BirthdayCondition, MonthDay, TenureCondition } from '../../model/segment.js';
import type { ClickHouseContext } from './context.js';
import { inNumberRange, whenPresent } from './ranges.js';

const monthDayNumber = (md: MonthDay) => md.month * 100 + md.day;

/** Birthday in a month-day window, inclusive; a window whose `from` is after `to` wraps the year end. */
export function compileBirthday(leaf: BirthdayCondition, ctx: ClickHouseContext): Sql<boolean> {
  const [from, to] = [monthDayNumber(leaf.from), monthDayNumber(leaf.to)];
  const md = ctx.dialect.monthDay(sql.ref('c.birthday'));
  return whenPresent(sql.ref('c.birthday'), from <= to ? sql`${md} BETWEEN ${from} AND ${to}` : sql`(${md} >= ${from} OR ${md} <= ${to})`);
}

/** Full years at the as-of date; a birthday not yet reached this year does not count. */
export function compileAge(leaf: AgeCondition, ctx: ClickHouseContext): Sql<boolean> {
  return whenPresent(sql.ref('c.birthday'), inNumberRange(ctx, ctx.dialect.fullYears(sql.ref('c.birthday'), ctx.asOfText), leaf));
}

/** Days from the day of registration to the as-of date. */
export function compileTenure(leaf: TenureCondition, ctx: ClickHouseContext): Sql<boolean> {
  return whenPresent(sql.ref('c.registered_at'), inNumberRange(ctx, ctx.dialect.daysUntil(sql.ref('c.registered_at'), ctx.asOfText), leaf));
}
