import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { FieldInfo } from '../model/fields.js';
import { looseFoldText } from '../model/loose-text.js';
import type { BooleanTest, DateTest, FieldCondition, NumberTest, TextTest } from '../model/segment.js';
import type { PlannerContext, Position } from './context.js';
import { boundedAt, inDateRange, inNumberRange, isTrue, whenPresent } from './ranges.js';

/** NFKC + case folding of a value, the same as the dialect's fold() does to a column. */
export const foldText = (value: string): string => value.normalize('NFKC').toLowerCase();

/** An empty value (or only spaces) in `eq`/`ne`/`in`/`not_in` stands for "unselected": a missing, empty or blank value. */
const isEmptyValue = (value: string): boolean => value.trim() === '';

function columnOf(ctx: PlannerContext, field: FieldInfo): Sql {
  if (field.type !== 'attr') return sql.ref(`c.${field.name}`);
  // An attribute group never imported is "unselected" for everyone.
  return ctx.schema.customerColumns.has(field.name) ? sql`c.${sql.id(field.name)}` : ctx.dialect.nullText();
}

function isBlank(ctx: PlannerContext, field: FieldInfo, x: Sql): Sql<boolean> {
  if (field.type === 'text' || field.type === 'attr' || field.type === 'enum') return ctx.dialect.isBlankText(x);
  if (field.type === 'tags') return sql`(${x} IS NULL OR ${ctx.dialect.listLength(x)} = 0)`;
  return sql`(${x} IS NULL)`;
}

/**
 * A text condition on a column whose every distinct value is known (customer_values): the few
 * values are folded here, and the rows compared exactly with those that match, which is what
 * folding every row would select, at the cost of an exact IN. Undefined for other operators.
 */
function compileByDictionary(
  leaf: TextTest, x: Sql, dictionary: readonly string[], ctx: PlannerContext, foldText: (value: string) => string, position: Position,
): Sql<boolean> | undefined {
  // A blank value is missing, never matched, though a loose fold makes it empty like "ー" or "-".
  const matching = (test: (folded: string) => boolean, at: Position = position) =>
    whenPresent(x, ctx.dialect.inList(x, dictionary.filter((v) => !isEmptyValue(v) && test(foldText(v)))), at);
  const oneOf = (values: readonly string[], at: Position = position) => {
    const wanted = new Set(values.map(foldText));
    return matching((f) => wanted.has(f), at);
  };
  switch (leaf.op) {
    case 'eq': return isEmptyValue(leaf.value) ? undefined : oneOf([leaf.value]);
    case 'ne': return isEmptyValue(leaf.value) ? undefined : negate(oneOf([leaf.value], 'value'));
    case 'in': return leaf.values.some(isEmptyValue) ? undefined : oneOf(leaf.values);
    case 'not_in': return leaf.values.some(isEmptyValue) ? undefined : negate(oneOf(leaf.values, 'value'));
    case 'contains': return matching((f) => f.includes(foldText(leaf.value)));
    case 'starts_with': return matching((f) => f.startsWith(foldText(leaf.value)));
    case 'ends_with': return matching((f) => f.endsWith(foldText(leaf.value)));
    case 'between': return undefined;
  }
}

const negate = (p: Sql<boolean>) => sql<boolean>`(NOT ${p})`;

/**
 * Text, enum and attribute fields, folded (NFKC + case). The parser has made enum spellings
 * canonical (`女性` → `female`), and enum columns hold the canonical spellings the import wrote.
 */
function compileText(leaf: TextTest, x: Sql, ctx: PlannerContext, position: Position): Sql<boolean> {
  const { field } = leaf;
  const d = ctx.dialect;
  if ((leaf.op === 'in' || leaf.op === 'not_in') && leaf.values.some(isEmptyValue)) {
    // An empty value in the list is the "unselected" customers: `in` includes them, `not_in` leaves them out.
    const others = leaf.values.filter((v) => !isEmptyValue(v));
    const selected = sql<boolean>`(${isBlank(ctx, field, x)} OR ${compileText({ ...leaf, op: 'in', values: others }, x, ctx, leaf.op === 'in' ? position : 'value')})`;
    return leaf.op === 'in' ? selected : negate(selected);
  }
  // Enum columns hold the canonical, lower-case spellings the import wrote: no folding needed.
  // Customer ids compare exactly, as the import keeps them (`AB1`, `ab1` and `ＡＢ１` are three
  // customers there, so they are three here).
  // A loose comparison folds further (loose-text.ts), whatever the field.
  const loose = 'loose' in leaf && leaf.loose === true;
  const exact = field.name === 'customer_id' && !loose;
  const folded = loose ? d.looseFold(x) : field.type === 'enum' || exact ? x : d.fold(x);
  const norm = loose ? looseFoldText : exact ? (v: string) => v : foldText;
  const dictionary = (field.type === 'enum' && !loose) || field.name === 'customer_id' ? undefined : ctx.schema.customerValues?.get(field.name);
  if (dictionary) {
    const compiled = compileByDictionary(leaf, x, dictionary, ctx, norm, position);
    if (compiled) return compiled;
  }
  // Customers are often stored in the order of their ids (the shop's export): blocks are skipped.
  const oneOf = (column: Sql, values: readonly string[]) => (exact ? d.inSortedColumn(column, values) : d.inList(column, values));
  const present = (p: Sql<boolean>, at: Position = position) => (loose ? sql<boolean>`(NOT ${isBlank(ctx, field, x)} AND ${p})` : whenPresent(x, p, at));
  const equals = (v: string, at: Position = position) => (isEmptyValue(v) ? isBlank(ctx, field, x) : present(sql`${folded} = ${norm(v)}`, at));
  switch (leaf.op) {
    case 'eq': return equals(leaf.value);
    case 'ne': return negate(equals(leaf.value, 'value'));
    case 'in': return present(oneOf(folded, leaf.values.map(norm)));
    case 'not_in': return negate(present(oneOf(folded, leaf.values.map(norm)), 'value'));
    case 'contains':
    case 'starts_with':
    case 'ends_with': return present(d.textMatches(folded, leaf.op, norm(leaf.value)));
    case 'between':
      // An attribute read as a date or a number (SATORI's custom items): other values never match.
      if ('dates' in leaf) return isTrue(inDateRange(ctx, d.textAsTimestamp(x), leaf.dates));
      if (field.type === 'attr') return isTrue(inNumberRange(d.textAsNumber(x), leaf.range));
      // customer_id: LTV-Lab's member number range; non-integer ids never match
      return isTrue(inNumberRange(d.tryInteger(x), leaf.range));
  }
}

/** Date and timestamp fields: a day given alone is the whole day (`eq` is "on that day"). */
function compileDate(leaf: DateTest, x: Sql, ctx: PlannerContext): Sql<boolean> {
  const onDay = (v: string) => isTrue(inDateRange(ctx, x, { from: v, to: v }));
  const anyDay = (values: readonly string[]) => (values.length === 0 ? sql<boolean>`false` : sql<boolean>`(${sql.join(values.map(onDay), sql` OR `)})`);
  switch (leaf.op) {
    case 'eq': return onDay(leaf.value);
    case 'ne': return negate(onDay(leaf.value));
    case 'in': return anyDay(leaf.values);
    case 'not_in': return negate(anyDay(leaf.values));
    case 'between': return isTrue(inDateRange(ctx, x, leaf.range));
  }
}

/** Numbers and booleans compare as they are. */
function compileValue(leaf: NumberTest | BooleanTest, x: Sql, ctx: PlannerContext, position: Position): Sql<boolean> {
  const equals = (v: number | boolean, at: Position = position) => whenPresent(x, sql`${x} = ${v}`, at);
  switch (leaf.op) {
    case 'eq': return equals(leaf.value);
    case 'ne': return negate(equals(leaf.value, 'value'));
    case 'in': return whenPresent(x, ctx.dialect.inList(x, leaf.values), position);
    case 'not_in': return negate(whenPresent(x, ctx.dialect.inList(x, leaf.values)));
    case 'between': return whenPresent(x, inNumberRange(x, leaf.range), boundedAt(leaf.range, position));
  }
}

/**
 * A `field` condition. Every result is two-valued: a missing value makes a comparison false, so
 * `ne` and `not_in` (the negations) are true for it.
 */
export function compileField(leaf: FieldCondition, ctx: PlannerContext, position: Position = 'value'): Sql<boolean> {
  const x = columnOf(ctx, leaf.field);
  if (leaf.op === 'is_empty') return isBlank(ctx, leaf.field, x);
  if (leaf.op === 'is_not_empty') return negate(isBlank(ctx, leaf.field, x));
  switch (leaf.compare) {
    case 'text': return compileText(leaf, x, ctx, position);
    case 'date': return compileDate(leaf, x, ctx);
    case 'number':
    case 'boolean': return compileValue(leaf, x, ctx, position);
  }
}
