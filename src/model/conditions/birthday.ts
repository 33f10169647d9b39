import { z } from 'zod';
import { dateValueProblem, resolveDate, type LocalDate } from '../dates.js';
import { describe, say } from '../faults.js';
import { addFault, parseContext } from './context.js';
import { despiteFaults, fixedObject } from './parts.js';

export interface MonthDay {
  readonly month: number;
  readonly day: number;
}

/** Birthday in a month-day window, both ends included; `from` after `to` wraps the year end. */
export interface BirthdayCondition {
  readonly kind: 'birthday';
  readonly from: MonthDay;
  readonly to: MonthDay;
}

const MONTH_DAY = /^(\d{2})-(\d{2})$/;
const RELATIVE_DAY = /^today(?:[+-]\d{1,5}[dwmy])?$/;
/** Days in each month of a leap year: 02-29 is a birthday. */
const daysIn = (month: number) => new Date(Date.UTC(2024, month, 0)).getUTCDate();
const NOT_A_MONTH_DAY = (input: unknown) => `${describe(input)} is not a month and day such as "12-20" or a day relative to the as-of date such as "today+14d"`;

/**
 * `MM-DD`, or `today[±N(d|w|m|y)]` (the monthly birthday coupon: "from today to today+14d"),
 * which names the month and day of that date at the as-of date.
 */
const monthDay = z
  .string({
    error: (issue) => issue.input === undefined
      ? say('missing-property', 'missing a month and day such as "12-20"')
      : say('not-a-month-day', NOT_A_MONTH_DAY(issue.input)),
  })
  .superRefine((text, ctx) => {
    if (RELATIVE_DAY.test(text)) {
      const outside = dateValueProblem(text, parseContext().asOf);
      if (outside) addFault(ctx, 'out-of-range', outside);
      return;
    }
    const match = MONTH_DAY.exec(text);
    const [month, day] = [Number(match?.[1]), Number(match?.[2])];
    if (!(match && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month))) addFault(ctx, 'not-a-month-day', NOT_A_MONTH_DAY(text));
  })
  .meta({ pattern: '^((0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])|today([+-]\\d{1,5}[dwmy])?)$' })
  .optional();

/** `"this"` and `"next"` are the as-of date's month and the one after it. */
const month = z
  .unknown()
  .superRefine((v, ctx) => {
    if (v === 'this' || v === 'next') return;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 12) return;
    addFault(ctx, 'not-a-month', `month is "this", "next" or a month number from 1 to 12, not ${describe(v)}`);
  })
  .meta({ anyOf: [{ enum: ['this', 'next'] }, { type: 'integer', minimum: 1, maximum: 12 }] })
  .transform((v) => v as 'this' | 'next' | number)
  .optional();

const dayOf = (date: LocalDate): MonthDay => ({ month: date.m, day: date.d });
const localDate = (text: string, asOf: LocalDate): LocalDate => {
  const [y, m, d] = resolveDate(text, asOf).timestamp.slice(0, 10).split('-').map(Number);
  return { y: y ?? 0, m: m ?? 0, d: d ?? 0 };
};
const dayNumber = (date: LocalDate) => Date.UTC(date.y, date.m - 1, date.d);
const toMonthDay = (text: string, asOf: LocalDate): MonthDay => {
  const match = MONTH_DAY.exec(text);
  return match ? { month: Number(match[1]), day: Number(match[2]) } : dayOf(localDate(text, asOf));
};

function monthWindow(which: 'this' | 'next' | number, asOf: LocalDate): Pick<BirthdayCondition, 'from' | 'to'> {
  const m = which === 'this' ? asOf.m : which === 'next' ? (asOf.m % 12) + 1 : which;
  return { from: { month: m, day: 1 }, to: { month: m, day: daysIn(m) } };
}

/**
 * The window of two relative ends: a window of 365 days or more (both ends counted) holds every
 * birthday (from today to today+1y would otherwise be the one day of today).
 */
function relativeWindow(from: string, to: string, asOf: LocalDate): Pick<BirthdayCondition, 'from' | 'to'> {
  const [start, end] = [localDate(from, asOf), localDate(to, asOf)];
  if ((dayNumber(end) - dayNumber(start)) / 86_400_000 + 1 >= 365) return { from: { month: 1, day: 1 }, to: { month: 12, day: 31 } };
  return { from: dayOf(start), to: dayOf(end) };
}

export const birthdayCondition = fixedObject({ kind: z.literal('birthday'), from: monthDay, to: monthDay, month }, 'a birthday condition', 'a condition must be an object')
  .superRefine((leaf, ctx) => {
    const window = leaf.from !== undefined || leaf.to !== undefined;
    if (leaf.month !== undefined && window) return addFault(ctx, 'month-or-window', 'give a "month" or a window ("from" and "to"), not both');
    if (leaf.month !== undefined) return;
    for (const key of ['from', 'to'] as const) if (leaf[key] === undefined) addFault(ctx, 'missing-property', 'missing a month and day such as "12-20"', key);
    const [from, to] = [leaf.from, leaf.to];
    if (typeof from !== 'string' || typeof to !== 'string' || !RELATIVE_DAY.test(from) || !RELATIVE_DAY.test(to)) return;
    const { asOf } = parseContext();
    if (dateValueProblem(from, asOf) || dateValueProblem(to, asOf)) return;
    if (dayNumber(localDate(from, asOf)) > dayNumber(localDate(to, asOf))) addFault(ctx, 'date-order', `from ${from} is after to ${to}`);
  }, despiteFaults)
  .transform((leaf): BirthdayCondition => {
    const { asOf } = parseContext();
    if (leaf.month !== undefined) return { kind: 'birthday', ...monthWindow(leaf.month, asOf) };
    const [from, to] = [leaf.from ?? '', leaf.to ?? ''];
    if (RELATIVE_DAY.test(from) && RELATIVE_DAY.test(to)) return { kind: 'birthday', ...relativeWindow(from, to, asOf) };
    return { kind: 'birthday', from: toMonthDay(from, asOf), to: toMonthDay(to, asOf) };
  })
  .meta({ oneOf: [{ required: ['month'] }, { required: ['from', 'to'] }] });
