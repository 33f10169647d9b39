import type { Argv } from 'yargs';
import { CSV_ENCODINGS, EXPORT_FORMATS } from '../index.js';
import { withWorkspace } from './context.js';
import { readSegmentInput } from './definition-input.js';
import { emit, type GlobalArgs } from './output.js';
import { abortOnSignals } from './signals.js';

export function exportCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command(
    'export [definition]',
    "write a segment's customers to a file (CSV, Excel, Parquet or Arrow); the file appears whole or not at all",
    (y) =>
      y
        .positional('definition', { type: 'string', describe: 'segment definition JSON file, or - for standard input' })
        .option('segment', { type: 'string', describe: 'a saved segment instead of a file' })
        .option('as-of', { type: 'string', describe: 'evaluate at this date, YYYY-MM-DD (default: today)' })
        .option('out', { type: 'string', demandOption: true, describe: 'the file to write' })
        .option('format', { choices: EXPORT_FORMATS, describe: 'default: from the file name (.csv .xlsx .parquet .arrow), else csv' })
        .option('columns', { type: 'string', describe: 'comma-separated customer columns and figures (order_count, total_sales, first_ordered_at, last_ordered_at)' })
        .option('encoding', { choices: CSV_ENCODINGS, describe: 'CSV encoding (default utf-8-bom, which Excel opens correctly)' })
        .option('headers', { choices: ['canonical', 'ja'] as const, default: 'canonical' as const, describe: 'column names, or the Japanese labels' }),
    async (argv) => {
      const { signal, dispose } = abortOnSignals();
      try {
        await withWorkspace(argv, { readOnly: true, signal }, async (workspace) => {
          const result = await workspace.export(readSegmentInput(argv.definition, argv.segment), {
            asOf: argv['as-of'],
            out: argv.out,
            format: argv.format,
            columns: argv.columns?.split(',').map((c) => c.trim()).filter((c) => c !== ''),
            encoding: argv.encoding,
            headers: argv.headers,
            inputs: argv.definition !== undefined ? [argv.definition === '' ? '-' : argv.definition] : [],
          });
          const { file } = result;
          emit(argv, { count: result.count, reachable: result.reachable, asOf: result.asOf, elapsedMs: result.elapsedMs, files: [file.path] }, () =>
            `${result.count.toLocaleString('en')} customers as of ${result.asOf} written to ${file.path} (${file.format}, ${(file.bytes / 1e6).toFixed(1)} MB) in ${(result.elapsedMs / 1000).toFixed(1)} s`);
        });
      } finally {
        dispose();
      }
    },
  );
}
