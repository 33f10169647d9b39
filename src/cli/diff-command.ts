import type { Argv } from 'yargs';
import { CSV_ENCODINGS, CSV_FORMULAS, EXPORT_FORMATS, HEADER_STYLES, VALUE_STYLES, type DiffList, type DiffResult, type DiffRun } from '../index.js';
import { withWorkspace } from './context.js';
import { emit, type GlobalArgs } from './output.js';
import { abortOnSignals } from './signals.js';

/** Rows of each list the human output shows; --json and --out have them all. */
const SAMPLE = 10;

const cell = (value: unknown) =>
  value === null || value === undefined ? '' : value instanceof Date ? value.toISOString().replace(/T00:00:00\.000Z$/, '').replace(/\.000Z$/, '').replace('T', ' ') : Array.isArray(value) ? value.join(';') : String(value);

const describeRun = (r: DiffRun) => `run ${r.runId} (job ${r.job}, as of ${r.asOf ?? '-'}, ${r.count?.toLocaleString('en') ?? '-'} customers)`;

function describeList(name: string, list: DiffList): string[] {
  if (list.count === 0) return [];
  const shown = list.rows.length < list.count ? `; the first ${list.rows.length} by customer_id` : '';
  return [`${name} (${list.count.toLocaleString('en')}${shown}):`, ...list.rows.map((row) => `  ${Object.values(row).map(cell).join('  ')}`)];
}

function describeDiff(d: DiffResult): string {
  return [
    `segment ${d.segment}: ${describeRun(d.from)} -> ${describeRun(d.to)}: ${d.entered.count.toLocaleString('en')} entered, ${d.left.count.toLocaleString('en')} left`,
    ...describeList('entered', d.entered),
    ...describeList('left', d.left),
    ...(d.file ? [`wrote ${d.file.path} (${d.file.format}, ${d.file.rows.toLocaleString('en')} rows, a "change" column saying entered or left)`] : []),
  ].join('\n');
}

export function diffCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command(
    'diff',
    'who entered and left a segment between two job runs (default: its latest two)',
    (y) =>
      y
        .option('segment', { type: 'string', demandOption: true, describe: 'the segment of the runs (as kumiwake history shows it)' })
        .option('from', { type: 'number', describe: 'the earlier run id (default: the run --to was compared with, the previous succeeded run of its job)' })
        .option('to', { type: 'number', describe: 'the later run id (default: the segment\'s latest succeeded run)' })
        .option('columns', { type: 'string', describe: 'comma-separated columns to list (default customer_id,name; a file: as kumiwake export)' })
        .option('out', { type: 'string', describe: 'write both lists to this file, with a "change" column (entered / left) first' })
        .option('format', { choices: EXPORT_FORMATS, describe: 'default: from the file name (.csv .xlsx .parquet .arrow)' })
        .option('encoding', { choices: CSV_ENCODINGS, describe: 'CSV encoding (default utf-8-bom)' })
        .option('headers', { choices: HEADER_STYLES, describe: 'column names, or the Japanese labels' })
        .option('values', { choices: VALUE_STYLES, describe: 'CSV and Excel: values as stored, or Japanese' })
        .option('csv-formulas', { choices: CSV_FORMULAS, describe: 'CSV: neutralise (default) or keep cells that start like a formula' }),
    async (argv) => {
      const { signal, dispose } = abortOnSignals();
      try {
        await withWorkspace(argv, { readOnly: true, signal }, async (workspace) => {
          const result = await workspace.diff({
            segment: argv.segment, from: argv.from, to: argv.to,
            columns: argv.columns?.split(',').map((c) => c.trim()).filter((c) => c !== ''),
            limit: argv.json ? undefined : SAMPLE,
            out: argv.out, format: argv.format, encoding: argv.encoding, headers: argv.headers, values: argv.values, csvFormulas: argv['csv-formulas'],
          });
          emit(argv, result, () => describeDiff(result));
        });
      } finally {
        dispose();
      }
    },
  );
}
