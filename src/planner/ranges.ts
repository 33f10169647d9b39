import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import { resolveRange, type LocalDate } from '../model/dates.js';
import type { DateRange, NumberRange } from '../model/segment.js';
import type { PlannerContext, Position } from './context.js';

/** `value` inside an inclusive number range. NULL-valued when `value` is NULL: wrap in COALESCE. */
export function inNumberRange(value: Sql, range: NumberRange): Sql<boolean> {
  const tests: Sql[] = [];
  if (range.min !== undefined) tests.push(sql`${value} >= ${range.min}`);
  if (range.max !== undefined) tests.push(sql`${value} <= ${range.max}`);
  return tests.length === 0 ? sql`true` : sql`(${sql.join(tests, sql` AND `)})`;
}

/** `value` inside a date range (whole-day `to` included). NULL-valued when `value` is NULL. */
export function inDateRange(ctx: PlannerContext, value: Sql, range: DateRange, asOf: LocalDate = ctx.asOf): Sql<boolean> {
  const resolved = resolveRange(range, asOf);
  const tests: Sql[] = [];
  if (resolved.from !== undefined) tests.push(sql`${value} >= ${ctx.dialect.timestamp(resolved.from)}`);
  if (resolved.to !== undefined) tests.push(resolved.toExclusive ? sql`${value} < ${ctx.dialect.timestamp(resolved.to)}` : sql`${value} <= ${ctx.dialect.timestamp(resolved.to)}`);
  return tests.length === 0 ? sql`${value} IS NOT NULL` : sql`(${sql.join(tests, sql` AND `)})`;
}

/** Makes a possibly-NULL condition two-valued: unknown is false. */
export const isTrue = (condition: Sql): Sql<boolean> => sql`COALESCE(${condition}, false)`;

/**
 * Two-valued like isTrue, for a condition that is NULL only when `value` is (a comparison of one
 * column with constants): never true for a missing value. Unlike COALESCE, DuckDB pushes this form
 * into the table scan, which makes the common attribute conditions as fast as hand-written SQL; in
 * a `where` position the condition alone is the same selection and one test less per row.
 */
export const whenPresent = (value: Sql, condition: Sql, position: Position = 'value'): Sql<boolean> =>
  position === 'where' ? sql`(${condition})` : sql`(${value} IS NOT NULL AND ${condition})`;

/** A range without bounds is `true` even for a missing value: only a bounded one may drop the test. */
export const boundedAt = (range: NumberRange, position: Position): Position =>
  range.min === undefined && range.max === undefined ? 'value' : position;
