import { sql } from 'kysely';
import { dialectOf } from '../dialect/registry.js';
import type { Engine } from '../engine/engine.js';
import { mails as mailsTable } from '../catalog/tables.js';
import { KumiwakeError } from '../errors.js';
import { CLI_INPUTS, type InputNames } from '../input-names.js';
import { MAIL_KINDS } from '../model/conditions/mail.js';
import { canonicalEnumValue } from '../model/fields.js';
import { dateValueProblem, formatDate, resolveDate, type LocalDate } from '../model/dates.js';
import { searchMails, type MailSearch, type MailSummary } from './builder-catalog.js';

/**
 * The mail catalogue as `kumiwake mails list` and the web page's mail picker show it: the
 * picker's search (builder-catalog.ts) with a kind as the importer reads one and a send-date range
 * in a definition's date forms, and each mail's counts. A filter that cannot be read is refused
 * (never ignored, which would list every mail or none), named as the caller names it.
 */
export async function mailCatalogue(db: Engine, search: MailSearch, asOf: LocalDate): Promise<MailSummary[]> {
  const names = search.names ?? CLI_INPUTS;
  const kind = search.kind === undefined || search.kind.trim() === '' ? undefined : mailKind(search.kind, names);
  const mails = await searchMails(db, { ...search, kind, ...sentDays(search, asOf, names) });
  return search.counts ? withCounts(db, mails) : mails;
}

const kindColumn = mailsTable.columns.find((c) => c.name === 'kind')!;

/** A mail kind as the importer reads the cell (`manual`, `MANUAL`, `手動`, `予約`, …); else a fault listing the kinds. */
function mailKind(text: string, names: InputNames): string {
  const kind = canonicalEnumValue(kindColumn, text);
  if (kind !== undefined) return kind;
  const imported = Object.keys(kindColumn.values ?? {}).filter((s) => !(MAIL_KINDS as readonly string[]).includes(s));
  throw new KumiwakeError('unknown-mail-kind', `${names.given('kind', text)}: unknown mail kind (expected ${MAIL_KINDS.slice(0, -1).join(', ')} or ${MAIL_KINDS.at(-1)}, or as the importer reads them: ${imported.join(', ')})`);
}

/** A day as the importer reads one (`2026/10/07`, `2026-1-5`, `20261007`, `2026年10月7日`, full-width digits) as `YYYY-MM-DD`; other text as it is. */
function importedDay(text: string): string {
  const ascii = text.normalize('NFKC').trim();
  const parts = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(ascii) ?? /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$/.exec(ascii) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(ascii);
  return parts ? `${parts[1]}-${parts[2]!.padStart(2, '0')}-${parts[3]!.padStart(2, '0')}` : text.trim();
}

const DAY_FORMS = 'a day such as 2026-10-01, 2026/10/01 or today-30d';
const RANGE_FORM = 'a range is FROM~TO, either end left out (today-30d~, ~2026-10-31)';

/**
 * A `sent` range as the days searchMails compares (`sentFrom`, `sentTo`, inclusive); an end it
 * does not give stays as given. As typed (`--sent today-30d~`), the range is split at `~` (or
 * `～`) first, and its faults say so.
 */
function sentDays(search: MailSearch, asOf: LocalDate, names: InputNames): Pick<MailSearch, 'sentFrom' | 'sentTo'> {
  if (search.sent === undefined) return {};
  const typed = typeof search.sent === 'string' ? search.sent : undefined;
  const range = typed === undefined ? search.sent as { from?: string; to?: string } : sentRange(typed, names);
  const day = (value: string | undefined, end: 'from' | 'to') => {
    if (value === undefined || value.trim() === '') return undefined;
    const text = importedDay(value);
    const problem = dateValueProblem(text, asOf);
    const resolved = problem === undefined ? resolveDate(text, asOf) : undefined;
    if (!resolved?.dateOnly) {
      const reason = problem ?? `"${value}" has a time; a send range is of days`;
      throw new KumiwakeError('bad-argument', typed === undefined
        ? `${names.given(end === 'from' ? 'sentFrom' : 'sentTo')}: ${reason} (${DAY_FORMS})`
        : `${names.given('sent', typed)}: ${reason} (${DAY_FORMS}; ${RANGE_FORM})`);
    }
    return resolved.timestamp.slice(0, 10);
  };
  const from = day(range.from, 'from') ?? search.sentFrom;
  const to = day(range.to, 'to') ?? search.sentTo;
  if (from !== undefined && to !== undefined && from > to) {
    throw new KumiwakeError('bad-argument', `sent: ${from} comes after ${to} as of ${formatDate(asOf)}; no mail could be sent in it`);
  }
  return { sentFrom: from, sentTo: to };
}

/** `FROM~TO` (`～` too), either end left out (`today-30d~`, `~2026-10-31`); a single day without `~` is that day. */
function sentRange(text: string, names: InputNames): { from?: string; to?: string } {
  const parts = text.split(/[~～]/);
  if (parts.length > 2) throw new KumiwakeError('bad-argument', `${names.given('sent', text)}: give FROM~TO (either end may be left out), or one day`);
  const [from, to] = parts.map((p) => p.trim() || undefined);
  if (parts.length === 1) return { from, to: from };
  if (from === undefined && to === undefined) throw new KumiwakeError('bad-argument', `${names.given('sent', text)}: give a day on at least one side of ~`);
  return { from, to };
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
