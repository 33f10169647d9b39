import type { DuckDBEngine } from '../engine.js';

/**
 * The schema_info key whose value says which events' sets `mail_event_sets` holds, and up to
 * which customer number (JSON `MailEventSetsMark`). Present: the sets are kept by this version.
 */
export const MAIL_EVENT_SETS_MARK = 'mail_event_sets';

/** The mark's value: sets of these events, of every customer number up to `highest`. */
export interface MailEventSetsMark {
  readonly events: readonly string[];
  readonly highest: number;
}

/**
 * The events whose sets are kept: the answers to a mail (opened, clicked, scanned the QR), which
 * marketers exclude ("did not click"). Not `send`, 20M of the 27M events at 1x: with its sets
 * the build took 1.42 s against 0.49 s for these three, and a mail events import has 1.3x
 * `read_csv` to spend (1.18x with these, 1.24x without any); nor `bounce`, which no one excludes
 * by mail.
 */
export const MAIL_EVENT_SET_EVENTS: readonly string[] = ['open', 'click', 'qr'];

/**
 * The most customer numbers a set is built for: the planner tests rows against such a set up to
 * its own `NUMBER_SET_BITS_AT_MOST` (src/planner/compile-mail.ts, the same figure; past it a set
 * costs more than `NOT IN`), so a larger shop's sets would be written and never read.
 */
export const MAIL_EVENT_SET_BITS_AT_MOST = 1 << 21;

/**
 * What the sets being built may hold at once. DuckDB keeps each thread's own set of every group
 * (event, mail) it meets, within its memory limit and unable to spill (the 400 sets of every event
 * at 1x ran out under 60 MB on 2 threads, not under 100 MB), so a pass takes as many mails as fit,
 * in ranges of their ids. The benchmark's 100 mails of a million customers are one pass (300 sets
 * of 125 kB on 2 threads: 75 MB); a shop of 2,000 mails would have needed 1.5 GB at once.
 */
const SET_BYTES_PER_PASS = 96 * 1024 * 1024;

/**
 * Builds `mail_event_sets` again from mail_events: per event of MAIL_EVENT_SET_EVENTS and mail,
 * one bit per customer number up to the highest given so far, set for those with such an event.
 * Inside the caller's transaction, after every change of mail_events or of their numbers.
 *
 * Why: "did not click a scenario mail" read 342K clicks out of 27M events at 1x and built their
 * set at every count (33-36 ms against the hand-written query's 68-75 ms on an unseen shop, the
 * one count near the 0.5x line); ORing the stored sets of its 23 mails takes 4 ms, the count 18.
 * Rebuilt whole (0.4-0.7 s at 1x, on 6.8M answer events), in passes over ranges of mail ids.
 *
 * Exact while every event holds its customer's number, never above `highest` (customer-numbers.ts:
 * numbers are given before an event is stored and never change). Customers numbered later (new
 * customers, purchases' guests) have no event in any set: a count tests numbers above `highest`
 * as absent, never past the set's end. With an event still unnumbered, or more than
 * MAIL_EVENT_SET_BITS_AT_MOST numbers, no set is kept (the mark lists no events).
 */
export async function refreshMailEventSets(db: DuckDBEngine, { bytesPerPass = SET_BYTES_PER_PASS }: { bytesPerPass?: number } = {}): Promise<void> {
  const [state] = await db.all<{ highest: number; unnumbered: boolean; threads: string }>(`SELECT
      (SELECT COALESCE(max(customer_no), 0) FROM customer_numbers) AS highest,
      EXISTS (SELECT 1 FROM mail_events WHERE customer_no IS NULL) AS unnumbered,
      current_setting('threads') AS threads`);
  const highest = Number(state!.highest);
  // A few hundred rows: deleted, not dropped, so the table keeps its uncompressed column.
  await db.run('DELETE FROM mail_event_sets');
  const kept = !state!.unnumbered && highest < MAIL_EVENT_SET_BITS_AT_MOST;
  if (kept) {
    const events = MAIL_EVENT_SET_EVENTS.map((e) => `'${e}'`).join(', ');
    const mails = (await db.all<{ mail_id: string }>('SELECT DISTINCT mail_id FROM mail_events ORDER BY mail_id')).map((r) => r.mail_id);
    const setsPerMail = MAIL_EVENT_SET_EVENTS.length * Math.max(1, Number(state!.threads));
    const mailsPerPass = Math.max(1, Math.floor(bytesPerPass / (Math.ceil((highest + 1) / 8) * setsPerMail)));
    for (let first = 0; first < mails.length; first += mailsPerPass) {
      const range = mails.length <= mailsPerPass ? '' : 'AND mail_id BETWEEN $1 AND $2';
      await db.run(`INSERT INTO mail_event_sets (event, mail_id, customers)
        SELECT event, mail_id, bitstring_agg(customer_no, 0, ${highest}) FROM mail_events
        WHERE event IN (${events}) ${range} GROUP BY event, mail_id`,
      range ? [mails[first]!, mails[Math.min(first + mailsPerPass, mails.length) - 1]!] : []);
    }
  }
  const mark: MailEventSetsMark = { events: kept ? MAIL_EVENT_SET_EVENTS : [], highest };
  await db.setSchemaMark(MAIL_EVENT_SETS_MARK, JSON.stringify(mark));
}
