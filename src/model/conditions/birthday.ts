import { z } from 'zod';
import { describe, say } from '../faults.js';
import { fixedObject } from './parts.js';

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
/** Days in each month of a leap year: 02-29 is a birthday. */
const daysIn = (month: number) => new Date(Date.UTC(2024, month, 0)).getUTCDate();

/** `missing …` when the property is absent, `… is not …` when it is something else. */
const monthDay = z
  .string({
    error: (issue) => issue.input === undefined
      ? say('missing-property', 'missing a month and day such as "12-20"')
      : say('not-a-month-day', `${describe(issue.input)} is not a month and day such as "12-20"`),
  })
  .transform((text, ctx): MonthDay => {
    const match = MONTH_DAY.exec(text);
    const [month, day] = [Number(match?.[1]), Number(match?.[2])];
    if (match && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(month)) return { month, day };
    ctx.addIssue({ code: 'custom', message: say('not-a-month-day', `${describe(text)} is not a month and day such as "12-20"`) });
    return z.NEVER;
  })
  .meta({ pattern: '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' });

export const birthdayCondition = fixedObject({ kind: z.literal('birthday'), from: monthDay, to: monthDay }, 'a birthday condition', 'a condition must be an object')
  .transform((leaf): BirthdayCondition => leaf);
