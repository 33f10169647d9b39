import { sql } from 'kysely';
import { dialectOf } from '../dialect/registry.js';
import type { Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import { dateValueProblem, formatDate, resolveDate, type LocalDate } from '../model/dates.js';
import { searchMails, type MailSearch, type MailSummary } from './builder-catalog.js';

/**
 * The mail catalogue as `kumiwake mails list` shows it: the picker's search (builder-catalog.ts)
 * with a send-date range in a definition's date forms, and each mail's counts.
 */
export async function mailCatalogue(db: Engine, search: MailSearch, asOf: LocalDate): Promise<MailSummary[]> {
  const mails = await searchMails(db, { ...search, ...sentDays(search, asOf) });
  return search.counts ? withCounts(db, mails) : mails;
}

/** A `sent` range as the days searchMails compares (`sentFrom`, `sentTo`, inclusive); an end it does not give stays as given. */
function sentDays(search: MailSearch, asOf: LocalDate): Pick<MailSearch, 'sentFrom' | 'sentTo'> {
  if (search.sent === undefined) return {};
  const day = (value: string | undefined, end: 'from' | 'to') => {
    if (value === undefined || value.trim() === '') return undefined;
    const problem = dateValueProblem(value.trim(), asOf);
    const resolved = problem === undefined ? resolveDate(value.trim(), asOf) : undefined;
    if (!resolved?.dateOnly) {
      throw new KumiwakeError('bad-argument', `sent.${end}: ${problem ?? `"${value}" has a time; a send range is of days`} (a day such as 2026-10-01 or today-30d)`);
    }
    return resolved.timestamp.slice(0, 10);
  };
  const from = day(search.sent.from, 'from') ?? search.sentFrom;
  const to = day(search.sent.to, 'to') ?? search.sentTo;
  if (from !== undefined && to !== undefined && from > to) {
    throw new KumiwakeError('bad-argument', `sent: ${from} comes after ${to} as of ${formatDate(asOf)}; no mail could be sent in it`);
  }
  return { sentFrom: from, sentTo: to };
}

/**
 * Each mail's customers with a send, an open and a click event (distinct customers: an event
 * imported twice counts once), whatever the event's date.
 */
async function withCounts(db: Engine, mails: readonly MailSummary[]): Promise<MailSummary[]> {
  if (mails.length === 0) return [];
  const customersWith = (event: string) => sql<bigint>`count(DISTINCT CASE WHEN event = ${event} THEN customer_id END)`;
  const ids = mails.map((m) => m.mailId);
  const rows = await db.query<{ mail_id: string; sends: bigint; opens: bigint; clicks: bigint }>(sql`
    SELECT mail_id, ${customersWith('send')} AS sends, ${customersWith('open')} AS opens, ${customersWith('click')} AS clicks
    FROM mail_events WHERE ${dialectOf(db).inSortedColumn(sql.ref('mail_id'), ids)} GROUP BY mail_id`.compile(db.kysely()));
  const counts = new Map(rows.map((r) => [r.mail_id, r]));
  return mails.map((m) => {
    const c = counts.get(m.mailId);
    return { ...m, sends: Number(c?.sends ?? 0), opens: Number(c?.opens ?? 0), clicks: Number(c?.clicks ?? 0) };
  });
}
