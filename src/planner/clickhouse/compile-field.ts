import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { FieldInfo } from '../../model/fields.js';
import { looseFoldText } from '../../model/loose-text.js';
import type { DateTest, FieldCondition, NumberTest, BooleanTest, TextTest } from '../../model/segment.js';
import { foldText } from '../compile-field.js';
import type { ClickHouseContext } from './context.js';
import { foldedColumn } from './folded.js';
import { inDateRange, inDayRange, inNumberRange, inTimeTextRange, not, whenPresent } from './ranges.js';

/** An empty value (or only spaces) in `eq`/`ne`/`in`/`not_in` stands for "unselected": a missing, empty or blank value. */
const isEmptyValue = (value: string): boolean => value.trim() === '';

/** The column of the customer row `c`; an attribute group never imported is missing for everyone. */
function columnOf(ctx: ClickHouseContext, field: FieldInfo): Sql | undefined {
  if (field.type !== 'attr') return sql`c.${sql.id(field.name)}`;
  return ctx.schema.customerColumns.has(field.name) ? sql`c.${sql.id(field.name)}` : undefined;
}

function isBlank(ctx: ClickHouseContext, field: FieldInfo, x: Sql): Sql<boolean> {
  if (field.type === 'text' || field.type === 'attr' || field.type === 'enum') return ctx.dialect.isBlankText(x);
  // Arrays are never NULL in ClickHouse: a customer without tags has an empty list.
  if (field.type === 'tags') return sql`(length(${x}) = 0)`;
  return sql`isNull(${x})`;
}

/**
 * Text, enum and attribute fields, folded (NFKC + case) as the DuckDB planner folds them
 * (src/planner/compile-field.ts): enums hold canonical spellings, customer ids compare exactly,
 * `loose` folds further. Rows are always folded (no value dictionary here).
 */
function compileText(leaf: TextTest, x: Sql, ctx: ClickHouseContext): Sql<boolean> {
  const { field } = leaf;
  const d = ctx.dialect;
  if ((leaf.op === 'in' || leaf.op === 'not_in') && leaf.values.some(isEmptyValue)) {
    const others = leaf.values.filter((v) => !isEmptyValue(v));
    const selected = sql<boolean>`(${isBlank(ctx, field, x)} OR ${compileText({ ...leaf, op: 'in', values: others }, x, ctx)})`;
    return leaf.op === 'in' ? selected : not(selected);
  }
  const loose = 'loose' in leaf && leaf.loose === true;
  const exact = field.name === 'customer_id' && !loose;
  // Enum columns hold canonical ASCII spellings, which NFKC leaves as they are: no folded copy needed.
  const folded = loose ? d.looseFromFolded(field.type === 'enum' ? x : foldedColumn(ctx, 'c', field.name)) : field.type === 'enum' || exact ? x : foldedColumn(ctx, 'c', field.name);
  const norm = loose ? looseFoldText : exact || field.type === 'enum' ? (v: string) => v : foldText;
  const present = (p: Sql<boolean>) => (loose ? sql<boolean>`(NOT ${isBlank(ctx, field, x)} AND ${ctx.dialect.isTrue(p)})` : whenPresent(x, p));
  const equals = (v: string) => (isEmptyValue(v) ? isBlank(ctx, field, x) : present(sql`${folded} = ${norm(v)}`));
  switch (leaf.op) {
    case 'eq': return equals(leaf.value);
    case 'ne': return not(equals(leaf.value));
    case 'in': return present(d.inList(folded, leaf.values.map(norm)));
    case 'not_in': return not(present(d.inList(folded, leaf.values.map(norm))));
    case 'contains':
    case 'starts_with':
    case 'ends_with': return present(d.textMatches(folded, leaf.op, norm(leaf.value)));
    case 'between': {
      // An attribute read as a date (SATORI's custom items), of any year: compared as its time text.
      if ('dates' in leaf) return d.isTrue(inTimeTextRange(ctx, d.foldedTextAsTimeText(foldedColumn(ctx, 'c', field.name)), leaf.dates));
      if (field.type === 'attr') return d.isTrue(inNumberRange(ctx, d.foldedTextAsNumber(foldedColumn(ctx, 'c', field.name)), leaf.range));
      // customer_id: LTV-Lab's member number range; non-integer ids never match
      return d.isTrue(inNumberRange(ctx, d.tryInteger(x), leaf.range));
    }
  }
}

/** Date and timestamp fields: a day given alone is the whole day. */
function compileDate(leaf: DateTest, x: Sql, ctx: ClickHouseContext): Sql<boolean> {
  // A date column holds YYYYMMDD, a timestamp column a DateTime.
  const inRange = leaf.field.type === 'date' ? inDayRange : inDateRange;
  const onDay = (v: string) => ctx.dialect.isTrue(inRange(ctx, x, { from: v, to: v }));
  const anyDay = (values: readonly string[]) => (values.length === 0 ? ctx.dialect.no : sql<boolean>`(${sql.join(values.map(onDay), sql` OR `)})`);
  switch (leaf.op) {
    case 'eq': return onDay(leaf.value);
    case 'ne': return not(onDay(leaf.value));
    case 'in': return anyDay(leaf.values);
    case 'not_in': return not(anyDay(leaf.values));
    case 'between': return ctx.dialect.isTrue(inRange(ctx, x, leaf.range));
  }
}

/** Numbers and booleans compare as they are (booleans are 0 / 1 in ClickHouse). */
function compileValue(leaf: NumberTest | BooleanTest, x: Sql, ctx: ClickHouseContext): Sql<boolean> {
  const value = (v: number | boolean) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);
  const amount = leaf.field.type === 'decimal';
  const equals = (v: number | boolean) => whenPresent(x, amount && typeof v === 'number' ? sql`${x} = ${ctx.dialect.decimal(v)}` : sql`${x} = ${value(v)}`);
  const oneOf = (values: readonly number[]) =>
    amount ? (values.length === 0 ? ctx.dialect.no : sql<boolean>`(${sql.join(values.map(equals), sql` OR `)})`) : whenPresent(x, ctx.dialect.inList(x, values));
  switch (leaf.op) {
    case 'eq': return equals(leaf.value);
    case 'ne': return not(equals(leaf.value));
    case 'in': return oneOf(leaf.values);
    case 'not_in': return not(oneOf(leaf.values));
    case 'between': return whenPresent(x, inNumberRange(ctx, x, leaf.range, amount));
  }
}

/** A `field` condition, two-valued: a missing value makes a comparison false, so `ne` / `not_in` hold for it. */
export function compileField(leaf: FieldCondition, ctx: ClickHouseContext): Sql<boolean> {
  const x = columnOf(ctx, leaf.field);
  if (x === undefined) return missingAttribute(leaf) ? ctx.dialect.yes : ctx.dialect.no;
  if (leaf.op === 'is_empty') return isBlank(ctx, leaf.field, x);
  if (leaf.op === 'is_not_empty') return not(isBlank(ctx, leaf.field, x));
  switch (leaf.compare) {
    case 'text': return compileText(leaf, x, ctx);
    case 'date': return compileDate(leaf, x, ctx);
    case 'number':
    case 'boolean': return compileValue(leaf, x, ctx);
  }
}

/** An attribute group never imported is blank for everyone (the DuckDB planner's NULL column): does the leaf hold? */
function missingAttribute(leaf: FieldCondition): boolean {
  if (leaf.op === 'is_empty' || leaf.op === 'is_not_empty') return leaf.op === 'is_empty';
  if (leaf.compare !== 'text') return false;
  switch (leaf.op) {
    case 'eq': return isEmptyValue(leaf.value);
    case 'ne': return !isEmptyValue(leaf.value);
    case 'in': return leaf.values.some(isEmptyValue);
    case 'not_in': return !leaf.values.some(isEmptyValue);
    default: return false;
  }
}
