import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { Channel, ReachableLeaf } from '../model/definition.js';
import { isBlankText, isTrue } from './ranges.js';

const present = (column: string) => sql`(NOT ${isBlankText(sql.ref(`c.${column}`))})`;
const active = sql`NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false)`;

function email(address: 'email_pc' | 'email_mobile'): Sql<boolean> {
  const permission = address === 'email_pc' ? 'pc' : 'mobile';
  return isTrue(sql`${present(address)} AND c.mail_permission IN (${permission}, 'both')
    AND COALESCE(c.mail_status, 'normal') = 'normal' AND COALESCE(c.bounce_count, 0) < 3 AND ${active}`);
}

/** Whether the customer can be contacted on a channel now (segment-definition.md, reachable). */
export function reachable(channel: Channel): Sql<boolean> {
  switch (channel) {
    case 'email_pc': return email('email_pc');
    case 'email_mobile': return email('email_mobile');
    case 'email': return sql`(${email('email_pc')} OR ${email('email_mobile')})`;
    case 'line': return isTrue(sql`c.line_linked AND COALESCE(c.line_status, 'normal') = 'normal' AND ${active}`);
    case 'dm': return isTrue(sql`c.dm_permission = 'allowed' AND ${present('postal_code')} AND ${present('address')} AND ${active}`);
  }
}

export function compileReachable(leaf: ReachableLeaf): Sql<boolean> {
  return reachable(leaf.channel);
}
