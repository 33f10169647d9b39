import type { Argv } from 'yargs';
import { CSV_ENCODINGS, CSV_FORMULAS, EXPORT_FORMATS, EXPORT_ROWS, HEADER_STYLES, VALUE_STYLES, type ExportResult } from '../index.js';
import { withWorkspace } from './context.js';
import { readSegmentInput } from './definition-input.js';
import { emit, type GlobalArgs } from './output.js';
import { warningLines } from './segment-commands.js';
import { abortOnSignals } from './signals.js';

export function exportCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command(
    'export [definition]',
    "write a segment's customers to a file (CSV, Excel, Parquet or Arrow); the file appears whole or not at all",
    (y) =>
      y
        .positional('definition', { type: 'string', describe: 'segment definition JSON file, a .kwq query file, or - for standard input' })
        .option('segment', { type: 'string', describe: 'a saved segment instead of a file' })
        .option('query', { alias: 'q', type: 'string', describe: 'a query instead of a file' })
        .option('as-of', { type: 'string', describe: 'evaluate at this date, YYYY-MM-DD (default: today)' })
        .option('out', { type: 'string', demandOption: true, describe: 'the file to write (a regular file; its extension names the format)' })
        .option('format', { choices: EXPORT_FORMATS, describe: 'default: from the file name (.csv .xlsx .parquet .arrow); a name of another format is refused' })
        .option('columns', { type: 'string', describe: 'comma-separated customer columns and figures (order_count, total_sales, days_since_last_order, mails_sent, …); with --rows purchases, order line columns first' })
        .option('rows', { choices: EXPORT_ROWS, default: 'members' as const, describe: "one row per customer, or one per order line of the segment's customers" })
        .option('sort', { type: 'string', describe: 'comma-separated columns to sort by, each optionally :desc (total_sales:desc,customer_id); default customer_id' })
        .option('limit', { type: 'number', describe: 'write at most N rows, after the sort' })
        .option('encoding', { choices: CSV_ENCODINGS, describe: 'CSV encoding (default utf-8-bom, which Excel opens correctly)' })
        .option('headers', { choices: HEADER_STYLES, default: 'canonical' as const, describe: 'column names, or the Japanese labels' })
        .option('values', { choices: VALUE_STYLES, describe: 'CSV and Excel: enum values and booleans as stored, or Japanese (女性, 送信拒否, ○); default: ja with --headers ja' })
        .option('csv-formulas', { choices: CSV_FORMULAS, describe: "CSV: cells starting with = + - @ (or a tab, a carriage return) get a leading ' (neutralise, the default), or are kept" })
        .option('strict', { type: 'boolean', default: false, describe: 'names the data does not hold (unknown mail ids, products, tags, values) are a fault (exit 2) and nothing is written' }),
    async (argv) => {
      const { signal, dispose } = abortOnSignals();
      try {
        await withWorkspace(argv, { readOnly: true, signal }, async (workspace) => {
          const result = await workspace.export(readSegmentInput(argv.definition, argv.segment, argv.query), {
            asOf: argv['as-of'],
            strict: argv.strict,
            out: argv.out,
            format: argv.format,
            columns: argv.columns?.split(',').map((c) => c.trim()).filter((c) => c !== ''),
            rows: argv.rows,
            sort: argv.sort?.split(',').map((c) => c.trim()).filter((c) => c !== ''),
            limit: argv.limit,
            encoding: argv.encoding,
            headers: argv.headers,
            values: argv.values,
            csvFormulas: argv['csv-formulas'],
            inputs: argv.definition !== undefined ? [argv.definition === '' ? '-' : argv.definition] : [],
          });
          const { file } = result;
          emit(
            argv,
            {
              count: result.count, reachable: result.reachable, asOf: result.asOf, elapsedMs: result.elapsedMs, files: [file.path], rows: file.rows,
              removed: file.removed, replaced: file.replaced, lostCharacters: file.lostCharacters, warnings: result.warnings,
            },
            // The definition's warnings first, as `count` gives them: a typo'd mail id under `not` makes the list too long.
            () => `${warningLines(result.warnings)}${[
              `${result.count.toLocaleString('en')} customers as of ${result.asOf}${listedRows(argv.rows, file.rows, result.count)} written to ${file.path} (${file.format}, ${(file.bytes / 1e6).toFixed(1)} MB) in ${(result.elapsedMs / 1000).toFixed(1)} s`,
              ...changedCharacters(file),
            ].join('\n')}`,
          );
        });
      } finally {
        dispose();
      }
    },
  );
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** The rows written when they are not one per customer of the segment: order lines, or the first N. */
function listedRows(rows: string, written: number, count: number): string {
  if (rows === 'purchases') return `, ${plural(written, 'order line', 'order lines')} of theirs`;
  return written === count ? '' : `, the first ${written.toLocaleString('en')}`;
}

/** The human lines about characters the file could not hold as they were. */
function changedCharacters(file: ExportResult['file']): string[] {
  const lines: string[] = [];
  const { xlsxInvalidCharacters } = file.removed;
  if (xlsxInvalidCharacters > 0) {
    lines.push(`warning: removed ${plural(xlsxInvalidCharacters, 'character', 'characters')} an Excel file cannot hold (control characters, U+FFFE, U+FFFF) from the cells`);
  }
  const { cp932LookAlikes, xlsxValuesAsText } = file.replaced;
  if (xlsxValuesAsText > 0) {
    lines.push(`${plural(xlsxValuesAsText, 'value', 'values')} Excel cannot hold exactly (numbers of more than 15 digits, dates before 1900) written as text`);
  }
  if (cp932LookAlikes > 0) lines.push(`${plural(cp932LookAlikes, 'character', 'characters')} written as the CP932 look-alike Windows uses (〜 as ～, − as －, …)`);
  const lost = file.lostCharacters.reduce((n, c) => n + c.count, 0);
  if (lost > 0) {
    lines.push(`warning: ${plural(lost, 'character', 'characters')} CP932 cannot hold ${lost === 1 ? 'was' : 'were'} written as "?":`);
    for (const c of file.lostCharacters) {
      lines.push(`  ${c.character} ${c.codePoint} ×${c.count} in ${c.rows.length === 1 ? 'row' : 'rows'} ${c.rows.join(', ')}`);
    }
  }
  return lines;
}
