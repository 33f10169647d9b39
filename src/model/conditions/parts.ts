/**
 * The parts conditions share: fixed-key objects, number and date ranges, date values and lists
 * of texts. Each gives today's sentence for each fault; checks that need another property to be
 * valid look at the raw value themselves (`when`), so one bad property does not hide the rest.
 */
import { z } from 'zod';
import { dateValueProblem, rangeIsEmpty, resolveRange } from '../dates.js';
import { describe, say } from '../faults.js';
import { addFault, parseContext } from './context.js';

export const MAX_DEPTH = 100;
/** What a condition nested past MAX_DEPTH is told, here and where a query is read or printed. */
export const TOO_DEEP_MESSAGE = `conditions are nested deeper than ${MAX_DEPTH} levels`;
export const MAX_LIST = 1_000_000;

/** A property a check has made sure of (a transform runs only on a value without faults). */
export function present<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('INTERNAL ERROR: a checked property is missing after the check');
  return value;
}

/**
 * Runs a check of an object whatever faults its properties have (they are reported beside its
 * own), but not on something that is not an object at all.
 */
export const despiteFaults = { when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value) };

/**
 * An object with these properties only. `what` names it in the fault of an unknown property,
 * `notAnObject` is the sentence when it is not an object at all.
 */
export function fixedObject<S extends z.core.$ZodLooseShape>(shape: S, what: string, notAnObject: string, allowed: readonly string[] = Object.keys(shape)) {
  return z.strictObject(shape, {
    error: (issue) => issue.code === 'unrecognized_keys'
      ? say('unknown-property', `unknown property of ${what} (expected ${allowed.join(', ')})`)
      : say('not-an-object', notAnObject),
  });
}

/** `.meta()` of a schema that accepts more than a user should write: the JSON Schema says what to write. */
export const written = (jsonSchema: Record<string, unknown>) => z.unknown().meta(jsonSchema);

export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
}

export interface RangeRules {
  readonly integer?: boolean;
  readonly nonNegative?: boolean;
}

/**
 * The numbers a definition may compare with, so that every one is stored and compared exactly:
 * whole numbers up to 2^53 − 1 in size (what a JSON number holds exactly; BIGINT holds more),
 * amounts below 10^14 in size (what DECIMAL(18, 4) holds).
 */
export const MAX_WHOLE = Number.MAX_SAFE_INTEGER;
export const AMOUNT_LIMIT = 1e14;

/** Why a number is out of the range its column can compare, or undefined. */
export function numberRangeProblem(v: number, whole: boolean, key: string): string | undefined {
  const [max, limit] = [MAX_WHOLE.toLocaleString('en'), AMOUNT_LIMIT.toLocaleString('en')];
  if (whole && Math.abs(v) > MAX_WHOLE) return `${key} ${v} is out of range (whole numbers from -${max} to ${max})`;
  if (!whole && Math.abs(v) >= AMOUNT_LIMIT) return `${key} ${v} is out of range (amounts above -${limit} and below ${limit})`;
  return undefined;
}

/** One bound of a number range: a finite number, whole and not negative when the rules say so. */
export function bound(key: 'min' | 'max', rules: RangeRules) {
  let schema = z.number({ error: (issue) => say('not-a-number', `${key} must be a number, not ${describe(issue.input)}`) });
  if (rules.integer) schema = schema.refine(Number.isInteger, { error: say('not-a-whole-number', `${key} must be a whole number`) });
  schema = schema.superRefine((v, ctx) => {
    const problem = numberRangeProblem(v, rules.integer === true, key);
    if (problem !== undefined) addFault(ctx, 'out-of-range', problem);
  }, { when: (payload) => typeof payload.value === 'number' && (!rules.integer || Number.isInteger(payload.value)) });
  if (rules.nonNegative) {
    schema = schema.refine((v) => v >= 0, {
      error: say('negative', `${key} cannot be negative`),
      when: (payload) => (rules.integer ? Number.isInteger(payload.value) : typeof payload.value === 'number'),
    });
  }
  const limit = rules.integer ? MAX_WHOLE : AMOUNT_LIMIT;
  return schema.meta({
    ...(rules.integer ? { type: 'integer' } : {}),
    ...(rules.nonNegative ? { minimum: 0 } : rules.integer ? { minimum: -limit } : { exclusiveMinimum: -limit }),
    ...(rules.integer ? { maximum: limit } : { exclusiveMaximum: limit }),
  }).optional();
}

/** A range needs a bound, and its min cannot exceed its max. */
export function checkRange(range: { readonly min?: unknown; readonly max?: unknown }, ctx: z.core.$RefinementCtx, needOne = true): void {
  if (needOne && range.min === undefined && range.max === undefined) addFault(ctx, 'empty-range', 'give "min", "max" or both');
  if (typeof range.min === 'number' && typeof range.max === 'number' && range.min > range.max) {
    addFault(ctx, 'min-greater-than-max', `min ${range.min} is greater than max ${range.max}`);
  }
}

/** `{"min": N, "max": N}`, at least one of them. */
export function numberRange(rules: RangeRules) {
  return fixedObject({ min: bound('min', rules), max: bound('max', rules) }, 'a number range', 'a number range is {"min": N, "max": N}')
    .superRefine((range, ctx) => checkRange(range, ctx), despiteFaults)
    .transform((range): NumberRange => range);
}

export type DateValue = string;

const DATE_PATTERN = '^(\\d{4}-\\d{2}-\\d{2}( \\d{2}:\\d{2}:\\d{2})?|today([+-]\\d{1,5}[dwmy])?)$';

/** `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS` or `today[±N(d|w|m|y)]`. */
export const dateValue = z
  .string({ error: (issue) => say('not-a-date', dateValueProblem(issue.input) ?? 'a date must be a text') })
  .superRefine((value, ctx) => void dateFault(value, ctx))
  .meta({ pattern: DATE_PATTERN });

/**
 * A date value's fault, if any: `not-a-date`, or `out-of-range` for a relative value that lands
 * before 0001-01-01 or after 9999-12-31 at the evaluation date.
 */
export function dateFault(value: unknown, ctx: z.core.$RefinementCtx, ...path: PropertyKey[]): boolean {
  const problem = dateValueProblem(value);
  if (problem) return (addFault(ctx, 'not-a-date', problem, ...path), true);
  const outside = dateValueProblem(value, parseContext().asOf);
  if (outside) return (addFault(ctx, 'out-of-range', outside, ...path), true);
  return false;
}

export interface DateRange {
  readonly from?: DateValue;
  readonly to?: DateValue;
}

/**
 * Only a range that is empty on every day is a fault: one mixing a fixed date and a relative one
 * (from 2024-06-01 to today) may be empty on some days and not others, and is then empty.
 */
export function checkDateOrder(from: unknown, to: unknown, ctx: z.core.$RefinementCtx, names: readonly [string, string] = ['from', 'to']): void {
  if (typeof from !== 'string' || typeof to !== 'string') return;
  const { asOf } = parseContext();
  if (dateValueProblem(from, asOf) || dateValueProblem(to, asOf)) return;
  if (from.startsWith('today') !== to.startsWith('today')) return;
  const range = resolveRange({ from, to }, asOf);
  if (rangeIsEmpty(range)) addFault(ctx, 'date-order', `${names[0]} ${from} is after ${names[1]} ${to} (on ${range.from?.slice(0, 10)} as of the evaluation date)`);
}

/** `{"from": D, "to": D}`, either may be left out. */
export function dateRange(what = 'a date range', notAnObject = 'a date range is {"from": D, "to": D}') {
  return fixedObject({ from: dateValue.optional(), to: dateValue.optional() }, what, notAnObject)
    .superRefine((range, ctx) => checkDateOrder(range.from, range.to, ctx), despiteFaults)
    .transform((range): DateRange => range);
}

const isText = (v: unknown): v is string | number => typeof v === 'string' || typeof v === 'number';

/**
 * A list of texts (numbers are read as their text), reporting its first bad item only: a list of
 * a million wrong values is one fault. `check` adds a fault of its own per item.
 */
export function textList(nonEmpty: boolean, check?: (item: unknown, index: number, ctx: z.core.$RefinementCtx) => void) {
  return z
    .array(written({ type: ['string', 'number'] }), { error: say('not-a-list', 'expected a list of texts') })
    .superRefine((list, ctx) => {
      if (nonEmpty && list.length === 0) addFault(ctx, 'empty-list', 'the list is empty');
      else if (list.length > MAX_LIST) addFault(ctx, 'list-too-long', `a list holds at most ${MAX_LIST.toLocaleString('en')} values`);
      else {
        const bad = list.findIndex((v) => !isText(v));
        if (bad >= 0) addFault(ctx, 'not-a-text', `expected a text, not ${describe(list[bad])}`, bad);
      }
      if (check) list.forEach((item, i) => check(item, i, ctx));
    })
    .meta({ ...(nonEmpty ? { minItems: 1 } : {}), maxItems: MAX_LIST })
    .transform((list): string[] => list.map(String));
}

/** `"any"` (the default) or `"all"`. */
export const match = z.enum(['any', 'all'], { error: say('unknown-match', 'match is "any" or "all"') }).optional();
