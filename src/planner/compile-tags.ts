import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { TagsCondition } from '../model/segment.js';
import type { PlannerContext, Position } from './context.js';
import { foldText } from './compile-field.js';
import { isTrue, whenPresent } from './ranges.js';

/** What separates the tags in customers.tags_text (sql/customer-columns.sql): U+001F, the unit separator. */
const TAG_SEPARATOR = '\u001f';

/** The customer carries any / all of the tags (compared like text: NFKC, case-folded). */
export function compileTags(leaf: TagsCondition, ctx: PlannerContext, position: Position = 'value'): Sql<boolean> {
  const tags = [...new Set(leaf.tags.map(foldText))];
  const dictionary = ctx.schema.customerValues?.get('tags');
  if (dictionary && tags.length > 0) {
    // Every tag any customer carries is known: fold those, and look for their exact spellings.
    const spellings = (tag: string) => dictionary.filter((v) => foldText(v) === tag);
    // The kept tags text (sql/customer-columns.sql) holds each tag between two separators: a tag
    // is found as that text only when no tag holds the separator and none is empty.
    const keptText = ctx.schema.customerLookups === true && !dictionary.some((v) => v === '' || v.includes(TAG_SEPARATOR));
    const tagsColumn = sql.ref(keptText ? 'c.tags_text' : 'c.tags');
    const hasAny = (values: readonly string[]): Sql<boolean> => {
      if (!keptText) return ctx.dialect.listHasAny(tagsColumn, values);
      return values.length === 0 ? sql`false`
        : sql`(${sql.join(values.map((v) => ctx.dialect.hasSubstring(tagsColumn, `${TAG_SEPARATOR}${v}${TAG_SEPARATOR}`)), sql` OR `)})`;
    };
    if (leaf.match !== 'all') return whenPresent(tagsColumn, hasAny(tags.flatMap(spellings)), position);
    return whenPresent(tagsColumn, sql`(${sql.join(tags.map((t) => hasAny(spellings(t))), sql` AND `)})`, position);
  }
  const list = ctx.dialect.foldList(sql.ref('c.tags'));
  return isTrue(leaf.match === 'all' ? ctx.dialect.listHasAll(list, tags) : ctx.dialect.listHasAny(list, tags));
}
