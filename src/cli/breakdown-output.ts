import { KumiwakeError, type BreakdownFileResult, type BreakdownFormat, type BreakdownValue, type Workspace } from '../index.js';
import { readSegmentInput } from './definition-input.js';
import { emit, type GlobalArgs } from './output.js';

export interface BreakdownArgs extends GlobalArgs {
  readonly definition?: string;
  readonly segment?: string;
  readonly query?: string;
  readonly 'as-of'?: string;
  readonly strict?: boolean;
  readonly by: string;
  readonly format?: BreakdownFormat;
  readonly out?: string;
}

/** Wide (CJK) characters take two columns of a terminal. */
const width = (text: string) => [...text].reduce((w, ch) => w + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch) ? 2 : 1), 0);
const padEnd = (text: string, w: number) => text + ' '.repeat(Math.max(0, w - width(text)));
const padStart = (text: string, w: number) => ' '.repeat(Math.max(0, w - width(text))) + text;
const number = (n: number) => n.toLocaleString('en');
const shown = (v: BreakdownValue) => (v === null ? '(none)' : String(v));

/** The breakdown as a readable table: fields left-aligned, figures right-aligned, the total row last. */
export function breakdownText(result: BreakdownFileResult): string {
  const header = [...result.by, 'count', 'email', 'LINE', 'DM'];
  const body = [
    ...result.breakdown.map((row) => [...result.by.map((f) => shown(row.key[f] ?? null)), ...[row.count, row.reachable.email, row.reachable.line, row.reachable.dm].map(number)]),
    ['total', ...result.by.slice(1).map(() => ''), ...[result.total.count, result.total.reachable.email, result.total.reachable.line, result.total.reachable.dm].map(number)],
  ];
  const widths = header.map((h, i) => Math.max(width(h), ...body.map((r) => width(r[i]!))));
  const line = (cells: string[]) => cells.map((c, i) => (i < result.by.length ? padEnd(c, widths[i]!) : padStart(c, widths[i]!))).join('  ').trimEnd();
  const channel = result.by.includes('channel') ? '\n(a customer reachable on several channels is in each of their rows: the rows add up to more than the total)' : '';
  const file = result.file ? `\nwritten to ${result.file.path} (${result.file.format}, ${number(result.file.rows)} rows)` : '';
  return `${number(result.count)} customers as of ${result.asOf} by ${result.by.join(', ')} in ${result.elapsedMs} ms\n${[line(header), ...body.map(line)].join('\n')}${channel}${file}`;
}

/** `kumiwake count DEF --by FIELD[,FIELD] [--format csv|xlsx --out FILE]`. */
export async function countBreakdown(argv: BreakdownArgs, workspace: Workspace, warnings: (result: BreakdownFileResult) => string): Promise<void> {
  if (argv.by.trim() === '') throw new KumiwakeError('bad-argument', '--by needs fields, e.g. --by gender,age_band');
  const result = await workspace.breakdown(readSegmentInput(argv.definition, argv.segment, argv.query), {
    asOf: argv['as-of'], strict: argv.strict, by: argv.by, out: argv.out, format: argv.format,
  });
  emit(argv, result, () => `${warnings(result)}${breakdownText(result)}`);
}
