import { sql } from 'kysely';
import type { Sql, SqlDialect } from '../dialect/dialect.js';
import type { Channel, ReachableCondition } from '../model/segment.js';
import type { PlannerContext, SchemaInfo } from './context.js';
import { isTrue } from './ranges.js';

const present = (d: SqlDialect, column: string) => sql`(NOT ${d.isBlankText(sql.ref(`c.${column}`))})`;
const active = sql`NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false)`;

function email(d: SqlDialect, address: 'email_pc' | 'email_mobile'): Sql<boolean> {
  const permission = address === 'email_pc' ? 'pc' : 'mobile';
  return isTrue(sql`${present(d, address)} AND c.mail_permission IN (${permission}, 'both')
    AND COALESCE(c.mail_status, 'normal') = 'normal' AND COALESCE(c.bounce_count, 0) < 3 AND ${active}`);
}

/**
 * Whether the customer can be contacted on a channel now (segment-definition.md, reachable).
 * A database made before line_permission, opened read-only (no schema applied), lacks it: every
 * customer is then as if it were unset (`schema.missing`).
 */
export function reachable(channel: Channel, d: SqlDialect, schema?: Pick<SchemaInfo, 'missing' | 'reachableFlags'>): Sql<boolean> {
  // Kept by every customers import with this same rule (sql/customer-columns.sql): three booleans to read.
  if (schema?.reachableFlags && (channel === 'email' || channel === 'line' || channel === 'dm')) return sql`(${sql.ref(`c.reachable_${channel}`)} IS TRUE)`;
  switch (channel) {
    case 'email_pc': return email(d, 'email_pc');
    case 'email_mobile': return email(d, 'email_mobile');
    case 'email': return sql`(${email(d, 'email_pc')} OR ${email(d, 'email_mobile')})`;
    // LINE配信設定: unset is allowed (as before the column), 送信拒否 and テスト配信対象 are not reached.
    case 'line': {
      const permitted = schema?.missing?.has('customers.line_permission') ? sql`true` : sql`COALESCE(c.line_permission, 'allowed') = 'allowed'`;
      return isTrue(sql`c.line_linked AND COALESCE(c.line_status, 'normal') = 'normal' AND ${permitted} AND ${active}`);
    }
    case 'dm': return isTrue(sql`c.dm_permission = 'allowed' AND ${present(d, 'postal_code')} AND ${present(d, 'address')} AND ${active}`);
  }
}

export function compileReachable(leaf: ReachableCondition, ctx: PlannerContext): Sql<boolean> {
  return reachable(leaf.channel, ctx.dialect, ctx.schema);
}
