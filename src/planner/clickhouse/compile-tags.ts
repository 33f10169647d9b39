import type { Sql } from '../../dialect/dialect.js';
import type { TagsCondition } from '../../model/segment.js';
import { foldText } from '../compile-field.js';
import type { ClickHouseContext } from './context.js';
import { foldedList } from './folded.js';

/** The customer carries any / all of the tags (compared like text: NFKC, case-folded). */
export function compileTags(leaf: TagsCondition, ctx: ClickHouseContext): Sql<boolean> {
  const tags = [...new Set(leaf.tags.map(foldText))];
  const list = foldedList(ctx, 'c', 'tags');
  return ctx.dialect.isTrue(leaf.match === 'all' ? ctx.dialect.listHasAll(list, tags) : ctx.dialect.listHasAny(list, tags));
}
