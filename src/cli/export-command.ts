import type { Argv } from 'yargs';
import { Database } from '../db/database.js';
import { CSV_ENCODINGS, EXPORT_FORMATS } from '../export/formats.js';
import { MEMBERS_TABLE } from '../export/select.js';
import { abortOnSignals } from '../interrupt.js';
import { materializeMembers } from '../segments/evaluate.js';
import { SegmentStore } from '../segments/store.js';
import { asOfDate, readDefinition } from './definition-input.js';
import { emit, type GlobalArgs } from './output.js';

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
      // Loaded here, not at start-up: the writers bring exceljs and apache-arrow (see main.ts).
      const { writeExport } = await import('../export/export-segment.js');
      const { signal, dispose } = abortOnSignals();
      const db = await Database.open(argv.db, { readOnly: true });
      try {
        const store = await SegmentStore.load(db);
        const definition = readDefinition(argv.definition, argv.segment, store);
        const counted = await materializeMembers(db, definition, store, asOfDate(argv['as-of'], argv.tz), MEMBERS_TABLE);
        const file = await writeExport(db, {
          path: argv.out,
          format: argv.format,
          columns: argv.columns?.split(',').map((c) => c.trim()).filter((c) => c !== ''),
          encoding: argv.encoding,
          headers: argv.headers,
        }, counted.count, signal, argv.definition !== undefined ? [argv.definition === '' ? '-' : argv.definition] : []);
        emit(argv, { ...counted, files: [file.path], elapsedMs: counted.elapsedMs + file.elapsedMs }, () =>
          `${counted.count.toLocaleString('en')} customers as of ${counted.asOf} written to ${file.path} (${file.format}, ${(file.bytes / 1e6).toFixed(1)} MB) in ${((counted.elapsedMs + file.elapsedMs) / 1000).toFixed(1)} s`);
      } finally {
        db.close();
        dispose();
      }
    },
  );
}
