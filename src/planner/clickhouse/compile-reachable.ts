import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { ClickHouseDialect } from '../../dialect/clickhouse/dialect.js';
import type { Channel, ReachableCondition } from '../../model/segment.js';
import type { SchemaInfo } from '../context.js';
import type { ClickHouseContext } from './context.js';

const present = (d: ClickHouseDialect, column: string) => sql`(NOT ${d.isBlankText(sql.ref(`c.${column}`))})`;
const active = sql`NOT ifNull(c.withdrawn, 0) AND NOT ifNull(c.deleted, 0)`;

function email(d: ClickHouseDialect, address: 'email_pc' | 'email_mobile'): Sql<boolean> {
  const permission = address === 'email_pc' ? 'pc' : 'mobile';
  return d.isTrue(sql`${present(d, address)} AND c.mail_permission IN (${permission}, 'both')
    AND ifNull(c.mail_status, 'normal') = 'normal' AND ifNull(c.bounce_count, 0) < 3 AND ${active}`);
}

/**
 * Whether the customer can be contacted on a channel now: the rules of the DuckDB planner
 * (src/planner/compile-reachable.ts), on the customer row alone.
 */
export function reachable(channel: Channel, d: ClickHouseDialect, schema?: Pick<SchemaInfo, 'missing'>): Sql<boolean> {
  switch (channel) {
    case 'email_pc': return email(d, 'email_pc');
    case 'email_mobile': return email(d, 'email_mobile');
    case 'email': return sql`(${email(d, 'email_pc')} OR ${email(d, 'email_mobile')})`;
    case 'line': {
      const permitted = schema?.missing?.has('customers.line_permission') ? d.yes : sql`ifNull(c.line_permission, 'allowed') = 'allowed'`;
      return d.isTrue(sql`c.line_linked AND ifNull(c.line_status, 'normal') = 'normal' AND ${permitted} AND ${active}`);
    }
    case 'dm': return d.isTrue(sql`c.dm_permission = 'allowed' AND ${present(d, 'postal_code')} AND ${present(d, 'address')} AND ${active}`);
  }
}

export function compileReachable(leaf: ReachableCondition, ctx: ClickHouseContext): Sql<boolean> {
  return reachable(leaf.channel, ctx.dialect, ctx.schema);
}
