import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { TagsCondition } from '../model/segment.js';
import type { PlannerContext } from './context.js';
import { foldText } from './compile-field.js';
import { isTrue, whenPresent } from './ranges.js';

/** The customer carries any / all of the tags (compared like text: NFKC, case-folded). */
export function compileTags(leaf: TagsCondition, ctx: PlannerContext): Sql<boolean> {
  const tags = [...new Set(leaf.tags.map(foldText))];
  const dictionary = ctx.schema.customerValues?.get('tags');
  if (dictionary && tags.length > 0) {
    // Every tag any customer carries is known: fold those, and look for their exact spellings.
    const spellings = (tag: string) => dictionary.filter((v) => foldText(v) === tag);
    const tagsColumn = sql.ref('c.tags');
    if (leaf.match !== 'all') return whenPresent(tagsColumn, ctx.dialect.listHasAny(tagsColumn, tags.flatMap(spellings)));
    return whenPresent(tagsColumn, sql`(${sql.join(tags.map((t) => ctx.dialect.listHasAny(tagsColumn, spellings(t))), sql` AND `)})`);
  }
  const list = ctx.dialect.foldList(sql.ref('c.tags'));
  return isTrue(leaf.match === 'all' ? ctx.dialect.listHasAll(list, tags) : ctx.dialect.listHasAny(list, tags));
}
