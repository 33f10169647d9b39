import { sql } from 'kysely';
import type { Sql } from '../dialect/dialect.js';
import type { MailCondition } from '../model/segment.js';
import type { PlannerContext } from './context.js';
import { foldText } from './compile-field.js';
import { inDateRange } from './ranges.js';

/** The mails a leaf selects, as a query of `mail_id`s (ids listed, or a filter over the catalog). */
export function selectedMails(leaf: MailCondition, ctx: PlannerContext): Sql {
  const d = ctx.dialect;
  if (leaf.mails !== undefined) return d.textRows([...new Set(leaf.mails)], 'mail_id');
  const filter = leaf.mailFilter;
  const tests: Sql[] = [sql`true`];
  if (filter.kinds) tests.push(d.inList(sql.ref('kind'), [...filter.kinds]));
  if (filter.stores) tests.push(d.inList(sql.ref('store_id'), filter.stores));
  // A database made before subkinds (opened read-only) has none: no mail passes.
  if (filter.subkinds) tests.push(ctx.schema.missing?.has('mails.subkind') ? sql`false` : d.inList(d.fold(sql.ref('subkind')), filter.subkinds.map(foldText)));
  if (filter.subjectContains !== undefined) {
    tests.push(d.hasSubstring(d.fold(sql.ref('subject')), foldText(filter.subjectContains)));
  }
  if (filter.sent) tests.push(inDateRange(ctx, sql.ref('sent_at'), filter.sent));
  return sql`SELECT DISTINCT mail_id FROM mails WHERE ${sql.join(tests, sql` AND `)}`;
}

/** Listed mails up to this many are read one scan each; more, by one scan with an IN list. */
const SCANS_PER_MAIL_UP_TO = 8;

/**
 * The events of listed mails. Events are stored in the order they happened, so a mail's events
 * sit in a few row groups and an equality on its id skips the others by their min/max; DuckDB
 * prunes an IN list only by the range from its least to its greatest id, which for M0085 and
 * M0100 reads the events of every mail sent in between (12x the rows at 1x). So a few ids are
 * one scan each, their rows put together (a customer with events of two mails is there twice:
 * every use groups by customer).
 */
function eventsOfListedMails(ids: readonly string[], ctx: PlannerContext): Sql {
  if (ids.length > SCANS_PER_MAIL_UP_TO) return sql`(SELECT * FROM mail_events WHERE ${ctx.dialect.inSortedColumn(sql.ref('mail_id'), ids)})`;
  return sql`(${sql.join(ids.map((id) => sql`SELECT * FROM mail_events WHERE mail_id = ${id}`), sql` UNION ALL `)})`;
}

/** The name of the statement's table of the mails a leaf selects (one per selection, `selectedMails`). */
const mailSelection = (leaf: MailCondition, ctx: PlannerContext): string =>
  ctx.cte(`mails:${JSON.stringify(leaf.mails ?? leaf.mailFilter)}`, () => selectedMails(leaf, ctx));

/**
 * The customers of a `mail` condition, as a query of their `ctx.numberedKey` (once each when
 * `once`: a customer with two such events is there twice otherwise); undefined when it selects no
 * mail (it matches no one).
 */
function mailCustomers(leaf: MailCondition, ctx: PlannerContext, once = true): Sql | undefined {
  if (leaf.mails && leaf.mails.length === 0) {
    ctx.notes.push(`a mail condition lists no mails: it matches no one`);
    return undefined;
  }
  const window = leaf.window ? sql` AND ${inDateRange(ctx, sql.ref('e.occurred_at'), leaf.window)}` : sql``;
  const events = leaf.mails
    ? sql`FROM ${eventsOfListedMails([...new Set(leaf.mails)], ctx)} e WHERE e.event = ${leaf.event}${window}`
    : sql`FROM mail_events e WHERE e.event = ${leaf.event} AND e.mail_id IN (SELECT mail_id FROM ${sql.table(mailSelection(leaf, ctx))})${window}`;
  const key = sql.ref(`e.${ctx.numberedKey}`);
  if (leaf.match !== 'all') return once ? sql`SELECT ${key} ${events} GROUP BY ${key}` : sql`SELECT ${key} ${events}`;
  const selected = mailSelection(leaf, ctx);
  return sql`SELECT ${key} ${events} GROUP BY ${key}
        HAVING count(DISTINCT e.mail_id) = (SELECT count(*) FROM ${sql.table(selected)})`;
}

/**
 * A `mail` condition: the customer has such an event, inside the window, for at least one
 * (`any`) or every (`all`) selected mail. An empty selection matches no one.
 */
export function compileMail(leaf: MailCondition, ctx: PlannerContext): Sql<boolean> {
  // Not from the stored sets (storedSetLacks), though clicked a scenario mail took 21 against 28
  // ms at 1x: a test against a set in the WHERE that few customers pass is slow in DuckDB (the set,
  // 125 kB, seems copied for each row that passes: scanned the QR of one mail, 3,982 customers,
  // 320-400 ms), where the join reads only that mail's events.
  const customers = mailCustomers(leaf, ctx);
  if (customers === undefined) return sql`false`;
  // Joined like any derived table, not `customer_id IN (…)`: DuckDB semi-joined that with the
  // customers as the hash table's side, every column of the count's reachable figures in it
  // (five times slower at 1x than this join, whose hash table holds the events' customers).
  const alias = ctx.join(`mail:${JSON.stringify(leaf.match === 'all' ? leaf : { ...leaf, match: 'any' })}`, () => customers, ctx.numberedKey);
  ctx.presenceJoins.set(leaf, alias);
  return sql`(${ctx.column(alias, ctx.numberedKey)} IS NOT NULL)`;
}

/**
 * `not` a `mail` condition, reached from the statement's WHERE through AND / OR only: the customer
 * is not among its customers. Where stored sets answer it, from them (`storedSetLacks`). Else by
 * number, up to NUMBER_SET_BITS_AT_MOST, their set is one value of a bit per number
 * (`dialect.numberSet`) that each customer's row tests (did not click a scenario mail at 1x:
 * 29 -> 21 ms). Otherwise `NOT IN` rather than the join: DuckDB's anti join keeps the
 * events' customers as its hash table and needs them neither grouped nor joined to every customer
 * (by text id 56 against 86 ms). Both exact and two-valued: neither side holds NULL (customer ids
 * are keys, mail_events.customer_id is NOT NULL, and with customerNumbers every row of both holds
 * its number, at most highestCustomerNumber).
 */
export function compileMailAbsent(leaf: MailCondition, ctx: PlannerContext): Sql<boolean> {
  const lacking = storedSetLacks(leaf, ctx);
  if (lacking) return lacking;
  const customers = mailCustomers(leaf, ctx, false);
  if (customers === undefined) return sql`true`;
  const highest = ctx.schema.customerNumbers ? ctx.schema.highestCustomerNumber : undefined;
  if (highest === undefined || highest >= NUMBER_SET_BITS_AT_MOST) return sql`(${sql.ref(`c.${ctx.numberedKey}`)} NOT IN (${customers}))`;
  const set = sql`(SELECT ${ctx.dialect.numberSet(sql.ref('m.customer_no'), highest)} FROM (${customers}) AS m)`;
  return ctx.dialect.lacksNumber(set, sql.ref('c.customer_no'));
}

/**
 * The largest set of customer numbers a `not` mail leaf tests rows against. DuckDB copies a
 * constant string into every vector of 2,048 rows it tests, so the set costs in proportion to
 * customers x numbers: at 1x (a million customers) 2.5 ms more per million bits, 490 ms at 100
 * million bits, where NOT IN took 29 ms. Up to about two million numbers the set is cheaper.
 */
export const NUMBER_SET_BITS_AT_MOST = 1 << 21;

/**
 * Whether the customer lacks a lifetime `mail` condition (no window, any of its mails), two-valued,
 * from the stored sets of its mails' customers (`schema.mailEventSets`, table mail_event_sets),
 * ORed: did not click a scenario mail at 1x, 23 sets of 125 kB, 4 ms to OR and 18 ms in all,
 * against 33-36 ms reading the 342K clicks out of 27M events and making their set. A mail with no
 * such event has no set and adds no one; no set at all is NULL, the empty set. Undefined where no
 * stored set answers (a window, `all`, an event without sets, no mail listed, sets too large to
 * test).
 */
function storedSetLacks(leaf: MailCondition, ctx: PlannerContext): Sql<boolean> | undefined {
  const sets = ctx.schema.customerNumbers ? ctx.schema.mailEventSets : undefined;
  if (!sets || !sets.events.has(leaf.event) || sets.highest >= NUMBER_SET_BITS_AT_MOST) return undefined;
  if (leaf.window || leaf.match === 'all' || leaf.mails?.length === 0) return undefined;
  const d = ctx.dialect;
  const mails = leaf.mails
    ? d.inList(sql.ref('mail_id'), [...new Set(leaf.mails)])
    : sql`mail_id IN (SELECT mail_id FROM ${sql.table(mailSelection(leaf, ctx))})`;
  const set = sql`(SELECT ${d.unionOfSets(sql.ref('customers'))} FROM mail_event_sets WHERE event = ${leaf.event} AND ${mails})`;
  return d.lacksNumber(set, sql.ref('c.customer_no'), sets.highest);
}
