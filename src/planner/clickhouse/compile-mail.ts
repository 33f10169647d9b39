import { sql } from 'kysely';
import type { Sql } from '../../dialect/dialect.js';
import type { MailCondition, MailFilter } from '../../model/segment.js';
import { foldText } from '../compile-field.js';
import type { ClickHouseContext } from './context.js';
import { foldedColumn } from './folded.js';
import { inDateRange } from './ranges.js';

/**
 * The mails a filter selects, as a query of distinct `mail_id`s over the shard's mail catalogue
 * (`mails` is whole on every shard: CONTEXT.md), at the as-of date.
 */
export function filteredMails(leaf: MailCondition & { mailFilter: MailFilter }, ctx: ClickHouseContext): Sql {
  const d = ctx.dialect;
  const filter = leaf.mailFilter;
  const tests: Sql[] = [d.yes];
  if (filter.kinds) tests.push(d.inList(sql.ref('m.kind'), [...filter.kinds]));
  if (filter.stores) tests.push(d.inList(sql.ref('m.store_id'), filter.stores));
  if (filter.subkinds) tests.push(ctx.schema.missing?.has('mails.subkind') ? d.no : d.inList(foldedColumn(ctx, 'm', 'subkind'), filter.subkinds.map(foldText)));
  if (filter.subjectContains !== undefined) tests.push(d.hasSubstring(foldedColumn(ctx, 'm', 'subject'), foldText(filter.subjectContains)));
  if (filter.sent) tests.push(inDateRange(ctx, sql.ref('m.sent_at'), filter.sent));
  return sql`SELECT DISTINCT m.mail_id AS mail_id FROM ${ctx.local('mails')} AS m WHERE ${d.isTrue(sql`(${sql.join(tests, sql` AND `)})`)}`;
}

/**
 * A `mail` condition: the customer has such an event, inside the window, for at least one
 * (`any`) or every (`all`) selected mail; an empty selection matches no one. Events are read
 * shard-locally, `customer_id IN` them.
 */
export function compileMail(leaf: MailCondition, ctx: ClickHouseContext): Sql<boolean> {
  const d = ctx.dialect;
  if (leaf.mails && leaf.mails.length === 0) {
    ctx.notes.push('a mail condition lists no mails: it matches no one');
    return d.no;
  }
  const listed = leaf.mails ? [...new Set(leaf.mails)] : undefined;
  const ofSelectedMails = listed ? d.inList(sql.ref('e.mail_id'), listed)
    : sql`e.mail_id IN (${filteredMails(leaf as MailCondition & { mailFilter: MailFilter }, ctx)})`;
  const window = leaf.window ? sql` AND ${d.isTrue(inDateRange(ctx, sql.ref('e.occurred_at'), leaf.window))}` : sql``;
  const events = sql`FROM ${ctx.local('mail_events')} AS e WHERE e.event = ${leaf.event} AND ${ofSelectedMails}${window}`;
  if (leaf.match !== 'all') return sql`(c.customer_id IN (SELECT e.customer_id ${events}))`;
  const selected = listed ? sql`${listed.length}` : sql`(SELECT count() FROM (${filteredMails(leaf as MailCondition & { mailFilter: MailFilter }, ctx)}))`;
  return sql`(c.customer_id IN (SELECT e.customer_id ${events} GROUP BY e.customer_id HAVING uniqExact(e.mail_id) = ${selected}))`;
}
