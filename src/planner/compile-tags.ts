import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { TagsLeaf } from '../model/definition.js';
import type { PlannerContext } from './context.js';
import { foldText } from './compile-field.js';
import { isTrue } from './ranges.js';

/** The customer carries any / all of the tags (compared like text: NFKC, case-folded). */
export function compileTags(leaf: TagsLeaf, ctx: PlannerContext): Sql<boolean> {
  const tags = [...new Set(leaf.tags.map((t) => foldText(String(t))))];
  const list = ctx.dialect.foldList(sql.ref('c.tags'));
  return isTrue(leaf.match === 'all' ? ctx.dialect.listHasAll(list, tags) : ctx.dialect.listHasAny(list, tags));
}
