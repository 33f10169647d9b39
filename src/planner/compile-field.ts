import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { FieldLeaf, Scalar } from '../model/definition.js';
import { canonicalEnumValue, lookupField, type FieldInfo } from '../model/fields.js';
import type { PlannerContext } from './context.js';
import { inDateRange, inNumberRange, isBlankText, isTrue } from './ranges.js';

/** NFKC + case folding of a value, the same as the dialect's fold() does to a column. */
export const foldText = (value: string): string => value.normalize('NFKC').toLowerCase();

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function columnOf(ctx: PlannerContext, field: FieldInfo): Sql {
  if (field.type !== 'attr') return sql.ref(`c.${field.name}`);
  // An attribute group never imported is "unselected" for everyone.
  return ctx.schema.customerColumns.has(field.name) ? sql`c.${sql.id(field.name)}` : sql`CAST(NULL AS VARCHAR)`;
}

function isBlank(field: FieldInfo, x: Sql): Sql<boolean> {
  if (field.type === 'text' || field.type === 'attr' || field.type === 'enum') return isBlankText(x);
  if (field.type === 'tags') return sql`(${x} IS NULL OR len(${x}) = 0)`;
  return sql`(${x} IS NULL)`;
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
  if (leaf.op === 'is_empty') return isBlank(field, x);
  if (leaf.op === 'is_not_empty') return negate(isBlank(field, x));

  if (field.type === 'text' || field.type === 'attr' || field.type === 'enum') {
    const canonical = (v: Scalar) => {
      const text = String(v);
      return foldText(field.type === 'enum' ? canonicalEnumValue(field.column!, text) ?? text : text);
    };
    // Enum columns hold the canonical, lower-case spellings the import wrote: no folding needed.
    const folded = field.type === 'enum' ? x : d.fold(x);
    const equals = (v: Scalar) => (String(v) === '' ? isBlank(field, x) : isTrue(sql`${folded} = ${canonical(v)}`));
    const like = (pattern: string) => isTrue(sql`${folded} LIKE ${pattern} ESCAPE '\\'`);
    switch (leaf.op) {
      case 'eq': return equals(leaf.value!);
      case 'ne': return negate(equals(leaf.value!));
      case 'in': return isTrue(d.inList(folded, (leaf.values ?? []).map(canonical)));
      case 'not_in': return negate(isTrue(d.inList(folded, (leaf.values ?? []).map(canonical))));
      case 'contains': return like(`%${likeEscape(canonical(leaf.value!))}%`);
      case 'starts_with': return like(`${likeEscape(canonical(leaf.value!))}%`);
      case 'ends_with': return like(`%${likeEscape(canonical(leaf.value!))}`);
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

  const equals = (v: Scalar) => isTrue(sql`${x} = ${v}`);
  switch (leaf.op) {
    case 'eq': return equals(leaf.value!);
    case 'ne': return negate(equals(leaf.value!));
    case 'in': return isTrue(d.inList(x, (leaf.values ?? []) as number[]));
    case 'not_in': return negate(isTrue(d.inList(x, (leaf.values ?? []) as number[])));
    case 'between': return isTrue(inNumberRange(x, { min: leaf.min as number | undefined, max: leaf.max as number | undefined }));
  }
  throw new Error(`INTERNAL ERROR: operator ${leaf.op} on ${field.type} passed validation`);
}
