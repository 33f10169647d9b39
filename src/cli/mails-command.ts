import type { Argv } from 'yargs';
import type { MailSummary } from '../index.js';
import { withWorkspace } from './context.js';
import { emit, type GlobalArgs } from './output.js';
import { displayWidth, figure, padEnd, padStart } from './text-table.js';

/** The most mails one listing shows (the library's own bound). */
const MAX_LISTED = 1000;

/** The catalogue as a table: when sent, id, kind, customers sent / opened / clicked, subject. */
function mailsText(mails: readonly MailSummary[]): string {
  const cells = mails.map((m) => [m.sentAt?.slice(0, 16) ?? '-', m.mailId, m.kind ?? '-', figure(m.sends ?? 0), figure(m.opens ?? 0), figure(m.clicks ?? 0), m.subject ?? '']);
  const header = ['sent at', 'mail id', 'kind', 'sends', 'opens', 'clicks', 'subject'];
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...cells.map((c) => displayWidth(c[i]!))));
  const numeric = new Set([3, 4, 5]);
  const line = (row: readonly string[]) => row.map((c, i) => (i === row.length - 1 ? c : numeric.has(i) ? padStart(c, widths[i]!) : padEnd(c, widths[i]!))).join('  ').trimEnd();
  const total = `${figure(mails.length)} ${mails.length === 1 ? 'mail' : 'mails'}${mails.length === MAX_LISTED ? ` (the newest ${figure(MAX_LISTED)}; narrow with --subject or --sent)` : ''}`;
  return mails.length === 0 ? 'no mail matches' : [line(header), ...cells.map(line), total].join('\n');
}

/** `kumiwake mails list`: the mail catalogue, newest first, with each mail's send counts. */
export function mailsCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command('mails', 'the mail catalogue', (y) =>
    y
      .command('list', 'list the mails, newest first, with the customers each was sent to, opened and clicked', (l) =>
        l
          .option('subject', { type: 'string', describe: 'only mails whose subject contains this text (NFKC, case-insensitive)' })
          .option('sent', { type: 'string', describe: 'only mails sent in FROM~TO (days: 2026-10-01~2026-10-31, 2026/10/01~, today-30d~, ~2026-10-31) or on one day' })
          .option('kind', { type: 'string', describe: 'only mails of this kind (manual, scheduled, scenario, auto, auto_scenario, or as imported: 手動, 予約, シナリオ, 自動, ...)' })
          .option('as-of', { type: 'string', describe: 'the day relative --sent days count from, YYYY-MM-DD (default: today)' }),
      async (argv) => withWorkspace(argv, { readOnly: true }, async (workspace) => {
        const mails = await workspace.mails({
          // --sent as typed (FROM~TO): the library reads the range and names it in its faults
          subject: argv.subject, kind: argv.kind, sent: argv.sent, asOf: argv['as-of'], counts: true, limit: MAX_LISTED,
        });
        emit(argv, { mails }, () => mailsText(mails));
      }))
      .demandCommand(1, 'name a mails command: list'),
  );
}
