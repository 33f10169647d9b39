import type { Argv } from 'yargs';
import { tableNames, type TableName } from '../index.js';
import { withWorkspace } from './context.js';
import { emit, type GlobalArgs } from './output.js';
import { abortOnSignals } from './signals.js';

export function importCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command(
    'import <table> <files..>',
    'load CSV files into a table, atomically',
    (y) =>
      y
        .positional('table', { choices: tableNames, demandOption: true, describe: 'which table the files fill' })
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'CSV files (UTF-8, UTF-8 with BOM or CP932)' })
        .option('encoding', { choices: ['auto', 'utf-8', 'cp932'] as const, default: 'auto' as const })
        .option('mode', { choices: ['upsert', 'replace', 'append'] as const, default: 'upsert' as const })
        .option('mapping', { type: 'string', describe: 'JSON file renaming or ignoring columns (see README)' })
        .option('max-rejects', { type: 'number', default: 0, describe: 'skip up to N bad rows, written to a rejects CSV' }),
    async (argv) => {
      const controller = new AbortController();
      await withWorkspace(argv, { signal: controller.signal }, async (workspace) => {
        await workspace.open();
        // Taken only once the database is open: Ctrl-C while waiting for a busy database just quits.
        const { signal, dispose } = abortOnSignals();
        signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
        try {
          const result = await workspace.import({
            table: argv.table as TableName,
            files: argv.files as string[],
            encoding: argv.encoding,
            mode: argv.mode,
            mapping: argv.mapping,
            maxRejects: argv['max-rejects'],
          });
          emit(
            argv,
            { table: result.table, files: result.files, rowsRead: result.rowsRead, rowsLoaded: result.rowsLoaded, rowsSkipped: result.rowsSkipped, rowsRejected: result.rowsRejected, rejectsFile: result.rejectsFile },
            () =>
              [
                `${result.table}: ${result.rowsLoaded} of ${result.rowsRead} rows loaded from ${result.files.length} file(s) (${result.encodings.join(', ')}) in ${(result.durationMs / 1000).toFixed(1)} s`,
                result.rowsSkipped > 0 ? `  ${result.rowsSkipped} rows skipped by the mapping's skipIfEmpty` : '',
                result.rejectsFile ? `  ${result.rowsRejected} bad rows set aside in ${result.rejectsFile}` : '',
              ].filter(Boolean).join('\n'),
          );
        } finally {
          dispose();
        }
      });
    },
  );
}
