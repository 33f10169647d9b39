import { z } from 'zod';
import { describe, say } from '../faults.js';
import { canonicalEnumValue, fieldNames, lookupField, type FieldInfo } from '../fields.js';
import { addFault } from './context.js';
import { checkDateOrder, checkRange, dateFault, fixedObject, MAX_LIST, numberRangeProblem, written, type DateRange, type DateValue, type NumberRange } from './parts.js';

export const FIELD_OPS = ['eq', 'ne', 'in', 'not_in', 'between', 'contains', 'starts_with', 'ends_with', 'is_empty', 'is_not_empty'] as const;
export type FieldOp = (typeof FIELD_OPS)[number];

interface Tested<C extends string> {
  readonly kind: 'field';
  readonly field: FieldInfo;
  /** how the column is compared: text (folded; enums hold canonical values), date, number, boolean */
  readonly compare: C;
}

/** One value or a list of them, of the type the field compares. */
type Values<T> = { readonly op: 'eq' | 'ne'; readonly value: T } | { readonly op: 'in' | 'not_in'; readonly values: readonly T[] };

/** One member per operator, so that testing the operator narrows the union. */
export type EmptinessTest = { readonly kind: 'field'; readonly field: FieldInfo } & ({ readonly op: 'is_empty' } | { readonly op: 'is_not_empty' });
export type TextTest = Tested<'text'> & (
  /** `loose`: spaces, hyphens and dashes ignored, hiragana = katakana (loose-text.ts) */
  | (Values<string> & { readonly loose?: boolean })
  | { readonly op: 'contains' | 'starts_with' | 'ends_with'; readonly value: string; readonly loose?: boolean }
  /** customer_id as a member number, or an attribute read as a number: other values never match */
  | { readonly op: 'between'; readonly range: NumberRange }
  /** an attribute read as a date (YYYY-MM-DD or YYYY/MM/DD, a time optional): other values never match */
  | { readonly op: 'between'; readonly dates: DateRange }
);
export type DateTest = Tested<'date'> & (Values<DateValue> | { readonly op: 'between'; readonly range: DateRange });
export type NumberTest = Tested<'number'> & (Values<number> | { readonly op: 'between'; readonly range: NumberRange });
export type BooleanTest = Tested<'boolean'> & { readonly op: 'eq' | 'ne'; readonly value: boolean };

/** A `field` condition: the field resolved from the catalog, the operands typed by its type. */
export type FieldCondition = EmptinessTest | TextTest | DateTest | NumberTest | BooleanTest;

const fieldName = z
  .string({ error: say('missing-name', 'name the customer field to test, e.g. "prefecture" or "attr:会員ランク"') })
  .transform((name, ctx): FieldInfo => {
    const field = lookupField(name);
    if (field) return field;
    addFault(ctx, 'unknown-field', `"${name}" is not a customer field (expected attr:NAME or one of ${fieldNames().join(', ')})`);
    return z.NEVER;
  })
  .meta({ anyOf: [{ enum: fieldNames() }, { type: 'string', pattern: '^attr:.*\\S' }] });

const scalar = { type: ['string', 'number', 'boolean'] };

/** The operands are typed by the field, so they are parsed once the field is known (`operands`). */
export const fieldCondition = fixedObject({
  kind: z.literal('field'),
  field: fieldName,
  op: written({ enum: FIELD_OPS }).optional(),
  value: written(scalar).optional(),
  values: written({ type: 'array', items: scalar, maxItems: MAX_LIST }).optional(),
  min: written({ type: ['number', 'string'] }).optional(),
  max: written({ type: ['number', 'string'] }).optional(),
  loose: written({ type: 'boolean' }).optional(),
}, 'a field condition', 'a condition must be an object')
  .transform((leaf, ctx) => operands(leaf, ctx) ?? z.NEVER)
  .meta({
    required: ['kind', 'field', 'op'],
    allOf: [
      { if: { properties: { op: { enum: ['eq', 'ne', 'contains', 'starts_with', 'ends_with'] } } }, then: { required: ['value'] } },
      { if: { properties: { op: { enum: ['in', 'not_in'] } } }, then: { required: ['values'] } },
      { if: { properties: { op: { const: 'between' } } }, then: { anyOf: [{ required: ['min'] }, { required: ['max'] }] } },
    ],
  });

type Raw = { readonly field: FieldInfo; readonly op?: unknown; readonly value?: unknown; readonly values?: unknown; readonly min?: unknown; readonly max?: unknown; readonly loose?: unknown };

const isText = (type: FieldInfo['type']) => type === 'text' || type === 'attr' || type === 'enum';

function operators(field: FieldInfo): Record<FieldOp, boolean> {
  const text = isText(field.type);
  return {
    eq: field.type !== 'tags', ne: field.type !== 'tags',
    in: field.type !== 'tags' && field.type !== 'boolean', not_in: field.type !== 'tags' && field.type !== 'boolean',
    between: ['integer', 'decimal', 'date', 'timestamp', 'attr'].includes(field.type) || field.name === 'customer_id',
    contains: text, starts_with: text, ends_with: text, is_empty: true, is_not_empty: true,
  };
}

const isFieldOp = (v: unknown): v is FieldOp => typeof v === 'string' && (FIELD_OPS as readonly string[]).includes(v);
const numberOrNone = (v: unknown) => (typeof v === 'number' ? v : undefined);
const textOrNone = (v: unknown) => (typeof v === 'string' ? v : undefined);
const listOf = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);

function operands(leaf: Raw, ctx: z.core.$RefinementCtx): FieldCondition | undefined {
  const { field, op } = leaf;
  const allowed = operators(field);
  if (!isFieldOp(op)) return void addFault(ctx, 'unknown-operator', `unknown operator ${describe(op)} (expected ${FIELD_OPS.join(', ')})`, 'op');
  if (!allowed[op]) return void addFault(ctx, 'operator-not-for-type', `"${op}" cannot be used on ${field.name} (a ${field.type} field)`, 'op');
  const wanted = op === 'between' ? ['min', 'max'] : op === 'in' || op === 'not_in' ? ['values'] : op.startsWith('is_') ? [] : ['value'];
  const before = ctx.issues.length;
  for (const key of ['value', 'values', 'min', 'max'] as const) {
    if (leaf[key] !== undefined && !wanted.includes(key)) addFault(ctx, 'unexpected-operand', `"${op}" takes ${wanted.length ? wanted.join(' and ') : 'no operand'}, not "${key}"`, key);
  }
  if (wanted.includes('value')) {
    if (leaf.value === undefined) addFault(ctx, 'missing-operand', `"${op}" needs a "value"`);
    else checkValue(leaf.value, field, op, ctx, ['value']);
  }
  if (wanted.includes('values')) checkList(leaf.values, field, op, ctx);
  if (op === 'between') checkBetween(leaf, field, ctx);
  checkLoose(leaf.loose, field, op, ctx);
  if (ctx.issues.length > before) return undefined;

  if (op === 'is_empty' || op === 'is_not_empty') return { kind: 'field', field, op };
  const text = (v: unknown) => {
    const written = String(v);
    return field.type === 'enum' && field.column ? canonicalEnumValue(field.column, written) ?? written : written;
  };
  if (isText(field.type)) {
    const compare = 'text';
    if (op === 'between' && attributeDates(leaf, field)) return { kind: 'field', field, compare, op, dates: { from: textOrNone(leaf.min), to: textOrNone(leaf.max) } };
    if (op === 'between') return { kind: 'field', field, compare, op, range: { min: numberOrNone(leaf.min), max: numberOrNone(leaf.max) } };
    const loose = leaf.loose === true ? { loose: true } : {};
    if (op === 'in' || op === 'not_in') return { kind: 'field', field, compare, op, values: listOf(leaf.values).map(text), ...loose };
    return { kind: 'field', field, compare, op, value: text(leaf.value), ...loose };
  }
  if (field.type === 'date' || field.type === 'timestamp') {
    const compare = 'date';
    if (op === 'between') return { kind: 'field', field, compare, op, range: { from: textOrNone(leaf.min), to: textOrNone(leaf.max) } };
    if (op === 'in' || op === 'not_in') return { kind: 'field', field, compare, op, values: listOf(leaf.values).map(String) };
    if (op === 'eq' || op === 'ne') return { kind: 'field', field, compare, op, value: String(leaf.value) };
  }
  if (field.type === 'boolean' && (op === 'eq' || op === 'ne')) return { kind: 'field', field, compare: 'boolean', op, value: leaf.value === true };
  if (field.type === 'integer' || field.type === 'decimal') {
    const compare = 'number';
    if (op === 'between') return { kind: 'field', field, compare, op, range: { min: numberOrNone(leaf.min), max: numberOrNone(leaf.max) } };
    if (op === 'in' || op === 'not_in') return { kind: 'field', field, compare, op, values: listOf(leaf.values).map(Number) };
    if (op === 'eq' || op === 'ne') return { kind: 'field', field, compare, op, value: Number(leaf.value) };
  }
  throw new Error(`INTERNAL ERROR: operator ${op} on a ${field.type} field passed the operator table`);
}

/** Checks one operand value against the field's type; true when it is fine. */
function checkValue(v: unknown, field: FieldInfo, op: FieldOp, ctx: z.core.$RefinementCtx, path: PropertyKey[]): boolean {
  const fault = (code: Parameters<typeof addFault>[1], message: string) => (addFault(ctx, code, message, ...path), false);
  if (field.type === 'boolean') return typeof v === 'boolean' || fault('not-a-boolean', `${field.name} is true or false, not ${describe(v)}`);
  if (field.type === 'integer' || field.type === 'decimal') {
    if (typeof v !== 'number' || !Number.isFinite(v)) return fault('not-a-number', `${field.name} is a number, not ${describe(v)}`);
    const problem = numberRangeProblem(v, field.type === 'integer', field.name);
    return problem === undefined || fault('out-of-range', problem);
  }
  if (field.type === 'date' || field.type === 'timestamp') return !dateFault(v, ctx, ...path);
  if (typeof v !== 'string' && typeof v !== 'number') return fault('not-a-text', `expected a text, not ${describe(v)}`);
  if (field.type === 'enum' && field.column && !op.endsWith('with') && op !== 'contains' && !canonicalEnumValue(field.column, String(v))) {
    return fault('unknown-enum-value', `${describe(v)} is not a value of ${field.name} (expected ${[...new Set(Object.values(field.column.values ?? {}))].join(', ')})`);
  }
  return true;
}

function checkList(v: unknown, field: FieldInfo, op: FieldOp, ctx: z.core.$RefinementCtx): void {
  if (!Array.isArray(v)) return addFault(ctx, v === undefined ? 'missing-operand' : 'not-a-list', `"${op}" needs "values": a list`, 'values');
  if (v.length > MAX_LIST) return addFault(ctx, 'list-too-long', `a list holds at most ${MAX_LIST.toLocaleString('en')} values`, 'values');
  // The first bad value only: a million wrong values are one fault.
  for (let i = 0; i < v.length; i++) if (!checkValue(v[i], field, op, ctx, ['values', i])) break;
}

function checkBetween(leaf: Raw, field: FieldInfo, ctx: z.core.$RefinementCtx): void {
  if (leaf.min === undefined && leaf.max === undefined) addFault(ctx, 'empty-range', '"between" needs "min", "max" or both');
  if (field.name === 'customer_id') {
    for (const k of ['min', 'max'] as const) {
      const v = leaf[k];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isInteger(v)) addFault(ctx, 'not-a-whole-number', 'a member number range takes whole numbers', k);
      else checkNumberRange(v, true, k, ctx);
    }
    return checkRange(leaf, ctx, false);
  }
  if (field.type === 'date' || field.type === 'timestamp' || attributeDates(leaf, field)) {
    for (const k of ['min', 'max'] as const) if (leaf[k] !== undefined) dateFault(leaf[k], ctx, k);
    return checkDateOrder(leaf.min, leaf.max, ctx, ['min', 'max']);
  }
  for (const k of ['min', 'max'] as const) {
    const v = leaf[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) addFault(ctx, 'not-a-number', `${k} must be a number, not ${describe(v)}`, k);
    else if (v !== undefined) checkNumberRange(v, field.type === 'integer', k, ctx);
  }
  checkRange(leaf, ctx, false);
}

function checkNumberRange(v: number, whole: boolean, key: 'min' | 'max', ctx: z.core.$RefinementCtx): void {
  const problem = numberRangeProblem(v, whole, key);
  if (problem !== undefined) addFault(ctx, 'out-of-range', problem, key);
}

/**
 * `between` on an attribute compares dates when its bounds are texts (dates), numbers when they
 * are numbers (SATORI's date and number custom items); a number beside a date is a fault.
 */
function attributeDates(leaf: Raw, field: FieldInfo): boolean {
  return field.type === 'attr' && (typeof leaf.min === 'string' || typeof leaf.max === 'string')
    && (leaf.min === undefined || typeof leaf.min === 'string') && (leaf.max === undefined || typeof leaf.max === 'string');
}

/** `loose` is true or false, and only on a text comparison of a text field. */
function checkLoose(loose: unknown, field: FieldInfo, op: FieldOp, ctx: z.core.$RefinementCtx): void {
  if (loose === undefined) return;
  if (typeof loose !== 'boolean') return addFault(ctx, 'not-a-boolean', `loose is true or false, not ${describe(loose)}`, 'loose');
  const textOp = op !== 'between' && op !== 'is_empty' && op !== 'is_not_empty';
  if (!isText(field.type) || !textOp) addFault(ctx, 'operator-not-for-type', `"loose" applies to eq, ne, in, not_in, contains, starts_with and ends_with on a text field, not to "${op}" on ${field.name}`, 'loose');
}
