import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { PlannerContext } from './context.js';

/**
 * A line of `purchases p` that counts: `counted` not false, and its status one of `statuses`
 * when the leaf names them (Ripist 対応状況), else one of the shop's sales statuses (`kumiwake
 * settings set sales-statuses`), else any status but cancelled. A line without a status passes
 * only the last rule. The same rule as sql/purchase-summaries.sql's `:sales_status`.
 */
export function countedLine(ctx: PlannerContext, statuses?: readonly string[]): Sql<boolean> {
  const d = ctx.dialect;
  const basis = statuses ?? ctx.schema.salesStatuses;
  const status = basis ? d.inList(sql.ref('p.status'), basis) : d.isDistinctFrom(sql`p.status`, sql`'cancelled'`);
  return sql`${d.isNotFalse(sql`p.counted`)} AND ${status}`;
}
