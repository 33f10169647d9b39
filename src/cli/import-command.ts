import type { Argv } from 'yargs';
import { importToClickHouse, tableNames, type ImportResult, type TableName } from '../index.js';
import { config, log, withWorkspace } from './context.js';
import { engineSettingName } from './cluster-command.js';
import { terminalProgress } from './progress-bar.js';
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
        .option('max-rejects', { type: 'number', default: 0, describe: 'skip up to N bad rows, written to a rejects CSV' })
        .option('delimiter', { choices: [',', 'tab', ';'] as const, default: ',' as const, describe: 'the field separator (tab: TSV files)' })
        .option('allow-empty', { type: 'boolean', default: false, describe: 'let --mode replace empty the table when the files hold no row' }),
    async (argv) => {
      const controller = new AbortController();
      if (argv.engine) {
        // ClickHouse: the files are checked as for DuckDB, then land whole or not at all.
        const { signal, dispose } = abortOnSignals();
        try {
          const result = await importToClickHouse(
            { engine: argv.engine, settingName: engineSettingName(argv), db: argv.db === config.db && !process.env.KUMIWAKE_DB ? undefined : argv.db,
              tz: argv.tz, logger: log(), progress: terminalProgress(), decodeDir: config.decodeDir, signal },
            { table: argv.table as TableName, files: argv.files as string[], encoding: argv.encoding, mode: argv.mode, mapping: argv.mapping,
              maxRejects: argv['max-rejects'], delimiter: argv.delimiter === 'tab' ? '\t' : argv.delimiter, allowEmpty: argv['allow-empty'] });
          emit(argv, importJson(result), () => importSummary(result));
        } finally {
          dispose();
        }
        return;
      }
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
            delimiter: argv.delimiter === 'tab' ? '\t' : argv.delimiter,
            allowEmpty: argv['allow-empty'],
          });
          emit(
            argv,
            {
              table: result.table, files: result.files, rowsRead: result.rowsRead, rowsLoaded: result.rowsLoaded, rowsSkipped: result.rowsSkipped,
              rowsRejected: result.rowsRejected, rowsStored: result.rowsStored, unknownCustomers: result.unknownCustomers, rejectsFile: result.rejectsFile,
            },
            () => importSummary(result),
          );
        } finally {
          dispose();
        }
      });
    },
  );
}

/** The --json answer of an import. */
const importJson = (result: ImportResult) => ({
  table: result.table, files: result.files, rowsRead: result.rowsRead, rowsLoaded: result.rowsLoaded, rowsSkipped: result.rowsSkipped,
  rowsRejected: result.rowsRejected, rowsStored: result.rowsStored, unknownCustomers: result.unknownCustomers, rejectsFile: result.rejectsFile,
});

/** What a stored row of each table is, in the summary line. */
const ROW_NAMES: Record<string, readonly [string, string]> = {
  customers: ['customer', 'customers'], purchases: ['order line', 'order lines'], products: ['product', 'products'],
  mails: ['mail', 'mails'], mail_events: ['mail event', 'mail events'],
  subscriptions: ['subscription', 'subscriptions'], stores: ['store', 'stores'],
};

const n = (value: number) => value.toLocaleString('en');

/**
 * Rows read and rows stored, which differ when a key repeats (a customers import from a file of
 * order lines stores one row per customer); then skipped and rejected rows, and customers the
 * lines name that are not in customers, with how to load them.
 */
export function importSummary(result: ImportResult): string {
  const [one, many] = ROW_NAMES[result.table] ?? ['row', 'rows'];
  const what = many;
  const files = `${result.files.length} file${result.files.length === 1 ? '' : 's'} (${result.encodings.join(', ')})`;
  return [
    `${result.table}: ${n(result.rowsRead)} row${result.rowsRead === 1 ? "" : "s"} read from ${files}; ${n(result.rowsStored)} ${result.rowsStored === 1 ? one : many} stored (new or updated) in ${(result.durationMs / 1000).toFixed(1)} s`,
    result.rowsSkipped > 0 ? `  ${n(result.rowsSkipped)} rows skipped (empty throughout, empty in a column of the mapping's skipIfEmpty, or repeating the header: files joined end to end)` : '',
    result.rejectsFile ? `  ${n(result.rowsRejected)} bad rows set aside in ${result.rejectsFile}` : '',
    result.unknownCustomers
      ? `  ${n(result.unknownCustomers)} customer${result.unknownCustomers === 1 ? '' : 's'} of these ${what} ${result.unknownCustomers === 1 ? 'is' : 'are'} not in customers, so their ${what} count for no one: ` +
        'load them with `kumiwake import customers FILE` (any order: segments see them once both are loaded)'
      : '',
  ].filter(Boolean).join('\n');
}
