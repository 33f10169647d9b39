import type { Argv } from 'yargs';
import { Database } from '../db/database.js';
import { KumiwakeError } from '../errors.js';
import { tablesByCliName } from '../catalog/tables.js';
import type { EncodingOption } from '../import/encoding.js';
import type { ImportMode } from '../import/load.js';
import { importFiles } from '../import/run-import.js';
import { abortOnSignals } from '../interrupt.js';
import { emit, type GlobalArgs } from './output.js';

export function importCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command(
    'import <table> <files..>',
    'load CSV files into a table, atomically',
    (y) =>
      y
        .positional('table', { choices: Object.keys(tablesByCliName), demandOption: true, describe: 'which table the files fill' })
        .positional('files', { type: 'string', array: true, demandOption: true, describe: 'CSV files (UTF-8, UTF-8 with BOM or CP932)' })
        .option('encoding', { choices: ['auto', 'utf-8', 'cp932'] as const, default: 'auto' as const })
        .option('mode', { choices: ['upsert', 'replace', 'append'] as const, default: 'upsert' as const })
        .option('mapping', { type: 'string', describe: 'JSON file renaming or ignoring columns (see README)' })
        .option('max-rejects', { type: 'number', default: 0, describe: 'skip up to N bad rows, written to a rejects CSV' }),
    async (argv) => {
      const table = tablesByCliName[argv.table as string];
      if (!table) throw new KumiwakeError('bad-argument', `unknown table ${argv.table}`);
      const maxRejects = argv['max-rejects'];
      if (!Number.isInteger(maxRejects) || maxRejects < 0) throw new KumiwakeError('bad-argument', '--max-rejects must be a whole number, 0 or more');
      const db = await Database.open(argv.db);
      // Taken only once the database is open: Ctrl-C while waiting for a busy database just quits.
      const { signal, dispose } = abortOnSignals();
      try {
        const result = await importFiles(db, {
          signal,
          table,
          files: argv.files as string[],
          encoding: argv.encoding as EncodingOption,
          mode: argv.mode as ImportMode,
          mappingFile: argv.mapping,
          maxRejects,
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
        db.close();
        dispose();
      }
    },
  );
}
