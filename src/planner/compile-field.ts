import { sql } from 'kysely';
import type { Sql, TextMatch } from '../dialect/dialect.js';
import type { FieldLeaf, Scalar } from '../model/definition.js';
import { canonicalEnumValue, lookupField, type FieldInfo } from '../model/fields.js';
import type { PlannerContext } from './context.js';
import { inDateRange, inNumberRange, isTrue, whenPresent } from './ranges.js';

/** NFKC + case folding of a value, the same as the dialect's fold() does to a column. */
export const foldText = (value: string): string => value.normalize('NFKC').toLowerCase();

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
function compileByDictionary(leaf: FieldLeaf, x: Sql, dictionary: readonly string[], canonical: (v: Scalar) => string, ctx: PlannerContext): Sql<boolean> | undefined {
  const matching = (test: (folded: string) => boolean) => whenPresent(x, ctx.dialect.inList(x, dictionary.filter((v) => test(foldText(v)))));
  const negate = (p: Sql<boolean>) => sql<boolean>`(NOT ${p})`;
  const oneOf = (values: readonly Scalar[]) => {
    const wanted = new Set(values.map(canonical));
    return matching((f) => wanted.has(f));
  };
  switch (leaf.op) {
    case 'eq': return String(leaf.value) === '' ? undefined : oneOf([leaf.value!]);
    case 'ne': return String(leaf.value) === '' ? undefined : negate(oneOf([leaf.value!]));
    case 'in': return (leaf.values ?? []).some((v) => String(v) === '') ? undefined : oneOf(leaf.values ?? []);
    case 'not_in': return (leaf.values ?? []).some((v) => String(v) === '') ? undefined : negate(oneOf(leaf.values ?? []));
    case 'contains': return matching((f) => f.includes(canonical(leaf.value!)));
    case 'starts_with': return matching((f) => f.startsWith(canonical(leaf.value!)));
    case 'ends_with': return matching((f) => f.endsWith(canonical(leaf.value!)));
    default: return undefined;
  }
}

/**
 * A `field` condition. Every result is two-valued: a missing value makes a comparison false, so
 * `ne` and `not_in` (the negations) are true for it.
 */
export function compileField(leaf: FieldLeaf, ctx: PlannerContext): Sql<boolean> {
  const field = lookupField(leaf.field)!;
  const x = columnOf(ctx, field);
  const d = ctx.dialect;
  const negate = (p: Sql<boolean>) => sql<boolean>`(NOT ${p})`;
  if (leaf.op === 'is_empty') return isBlank(ctx, field, x);
  if (leaf.op === 'is_not_empty') return negate(isBlank(ctx, field, x));

  if (field.type === 'text' || field.type === 'attr' || field.type === 'enum') {
    const canonical = (v: Scalar) => {
      const text = String(v);
      return foldText(field.type === 'enum' ? canonicalEnumValue(field.column!, text) ?? text : text);
    };
    // Enum columns hold the canonical, lower-case spellings the import wrote: no folding needed.
    const folded = field.type === 'enum' ? x : d.fold(x);
    const dictionary = field.type === 'enum' ? undefined : ctx.schema.customerValues?.get(field.name);
    if (dictionary) {
      const compiled = compileByDictionary(leaf, x, dictionary, canonical, ctx);
      if (compiled) return compiled;
    }
    const equals = (v: Scalar) => (String(v) === '' ? isBlank(ctx, field, x) : whenPresent(x, sql`${folded} = ${canonical(v)}`));
    const matches = (where: TextMatch) => whenPresent(x, d.textMatches(folded, where, canonical(leaf.value!)));
    switch (leaf.op) {
      case 'eq': return equals(leaf.value!);
      case 'ne': return negate(equals(leaf.value!));
      case 'in': return whenPresent(x, d.inList(folded, (leaf.values ?? []).map(canonical)));
      case 'not_in': return negate(whenPresent(x, d.inList(folded, (leaf.values ?? []).map(canonical))));
      case 'contains':
      case 'starts_with':
      case 'ends_with': return matches(leaf.op);
      case 'between': // customer_id: LTV-Lab's member number range; non-integer ids never match
        return isTrue(inNumberRange(d.tryInteger(x), { min: leaf.min as number | undefined, max: leaf.max as number | undefined }));
    }
  }

  if (field.type === 'date' || field.type === 'timestamp') {
    const onDay = (v: Scalar) => isTrue(inDateRange(ctx, x, { from: String(v), to: String(v) }));
    const anyDay = () => (leaf.values ?? []).length === 0 ? sql<boolean>`false` : sql<boolean>`(${sql.join((leaf.values ?? []).map(onDay), sql` OR `)})`;
    switch (leaf.op) {
      case 'eq': return onDay(leaf.value!);
      case 'ne': return negate(onDay(leaf.value!));
      case 'in': return anyDay();
      case 'not_in': return negate(anyDay());
      case 'between': return isTrue(inDateRange(ctx, x, { from: leaf.min as string | undefined, to: leaf.max as string | undefined }));
    }
  }

  const equals = (v: Scalar) => whenPresent(x, sql`${x} = ${v}`);
  switch (leaf.op) {
    case 'eq': return equals(leaf.value!);
    case 'ne': return negate(equals(leaf.value!));
    case 'in': return whenPresent(x, d.inList(x, (leaf.values ?? []) as number[]));
    case 'not_in': return negate(whenPresent(x, d.inList(x, (leaf.values ?? []) as number[])));
    case 'between': {
      const range = { min: leaf.min as number | undefined, max: leaf.max as number | undefined };
      // No bound at all holds for every customer, a missing value included (as before).
      return range.min === undefined && range.max === undefined ? isTrue(sql`true`) : whenPresent(x, inNumberRange(x, range));
    }
  }
  throw new Error(`INTERNAL ERROR: operator ${leaf.op} on ${field.type} passed validation`);
}
