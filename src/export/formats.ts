import { extname } from 'node:path';

// What an output may be asked for, kept apart from the writers: the CLI's option lists and the
// job-file schema need these names without loading exceljs and apache-arrow.

export const EXPORT_FORMATS = ['csv', 'xlsx', 'parquet', 'arrow'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const CSV_ENCODINGS = ['utf-8-bom', 'utf-8', 'cp932'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];
/**
 * CSV cells a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first):
 * `neutralise` (the default) writes them with a leading `'`, `keep` as they are.
 */
export const CSV_FORMULAS = ['neutralise', 'keep'] as const;
export type CsvFormulas = (typeof CSV_FORMULAS)[number];
/** Column names, or the Japanese labels of the catalog (会員番号, 氏名, …). */
export const HEADER_STYLES = ['canonical', 'ja'] as const;
export type HeaderStyle = (typeof HEADER_STYLES)[number];
/** Enum values and booleans as stored (`female`, `true`), or their Japanese labels (`女性`, `○`). */
export const VALUE_STYLES = ['canonical', 'ja'] as const;
export type ValueStyle = (typeof VALUE_STYLES)[number];

/** What an export lists: one row per customer (the members), or the members' order lines (LTV-Lab's 購入情報出力). */
export const EXPORT_ROWS = ['members', 'purchases'] as const;
export type ExportRows = (typeof EXPORT_ROWS)[number];

/** One file to write from an evaluated segment (a CLI export, or one output of a job). */
export interface OutputSpec {
  readonly path: string;
  readonly format?: ExportFormat;
  readonly columns?: readonly string[];
  readonly encoding?: CsvEncoding;
  readonly headers?: HeaderStyle;
  /** CSV only; default neutralise */
  readonly csvFormulas?: CsvFormulas;
  /** CSV and Excel; default: ja with Japanese headers, else canonical */
  readonly values?: ValueStyle;
  /** one row per member (default), or one per order line of the members */
  readonly rows?: ExportRows;
  /** the order: column names, each optionally followed by `:desc` or `:asc` (`total_sales:desc`); then the stable order */
  readonly sort?: readonly string[];
  /** at most this many rows, after the sort */
  readonly limit?: number;
}

/** The file name extensions of each format; the first is the one to suggest. */
export const FORMAT_EXTENSIONS: Readonly<Record<ExportFormat, readonly string[]>> = {
  csv: ['.csv'], xlsx: ['.xlsx'], parquet: ['.parquet'], arrow: ['.arrow', '.feather', '.ipc'],
};

function formatOfExtension(path: string): ExportFormat | undefined {
  const extension = extname(path).toLowerCase();
  return EXPORT_FORMATS.find((f) => FORMAT_EXTENSIONS[f].includes(extension));
}

/** The format asked for, else the one the file name says, else CSV (a name without a known extension is refused by `outputFault`). */
export function formatOf(spec: OutputSpec): ExportFormat {
  return spec.format ?? formatOfExtension(spec.path) ?? 'csv';
}

/** The values an output writes: Japanese with Japanese headers, unless asked otherwise; Parquet and Arrow keep their types. */
export function valueStyleOf(spec: OutputSpec): ValueStyle {
  const format = formatOf(spec);
  if (format === 'parquet' || format === 'arrow') return 'canonical';
  return spec.values ?? (spec.headers === 'ja' ? 'ja' : 'canonical');
}

/** A path as it can be shown in one line: quoted and escaped when it holds control characters. */
export function shownPath(path: string): string {
  return /[\u0000-\u001f\u007f]/.test(path) ? JSON.stringify(path) : path;
}

/** What keeps a path from naming a file at all (a NUL, a trailing "/"), or undefined. */
export function pathFault(path: string): string | undefined {
  if (path.includes('\u0000')) return `${shownPath(path)}: a path cannot hold a NUL character`;
  if (path.trim() === '') return 'the output path is empty; give a file name such as list.csv';
  if (/[\\/]$/.test(path) || /(^|[\\/])\.{1,2}$/.test(path)) return `${shownPath(path)}: names a folder, not a file; give a file name such as ${join(path, 'list.csv')}`;
  return undefined;
}

/** Which key of an output a fault is about (a job file's JSON path ends with it). */
export type OutputKey = 'path' | 'encoding' | 'csvFormulas' | 'values' | 'limit' | 'sort';

/**
 * What is wrong with an output before anything is opened, or undefined: a path that cannot name
 * a file (NUL, a trailing "/"), a file name whose extension is not its format's, an option
 * of another format. The same checks serve `kumiwake export`, the library and job files.
 */
export function outputFault(spec: OutputSpec): { readonly key: OutputKey; readonly message: string } | undefined {
  const path = spec.path;
  const shown = shownPath(path);
  const shape = pathFault(path);
  if (shape) return { key: 'path', message: shape };
  const extension = extname(path).toLowerCase();
  const byExtension = formatOfExtension(path);
  const format = spec.format ?? byExtension;
  if (format === undefined) {
    const hint = extension === '.xls' ? 'Excel files are written as .xlsx' : `name it .csv, .xlsx, .parquet or .arrow`;
    return { key: 'path', message: `${shown}: ${extension === '' ? 'the file name has no extension' : `${extension} is not a format kumiwake writes`}; ${hint} (e.g. ${renamed(path, extension, extension === '.xls' ? '.xlsx' : '.csv')})` };
  }
  if (byExtension !== format) {
    return { key: 'path', message: `${shown}: ${format} files are named ${FORMAT_EXTENSIONS[format].join(' or ')}, not ${extension === '' ? 'without an extension' : extension}; name it ${renamed(path, extension, FORMAT_EXTENSIONS[format][0]!)}, or leave the format to the file name` };
  }
  if (spec.encoding !== undefined && format !== 'csv') return { key: 'encoding', message: `an encoding applies to CSV outputs only, not to ${format}` };
  if (spec.csvFormulas !== undefined && format !== 'csv') return { key: 'csvFormulas', message: `csvFormulas applies to CSV only, not to ${format} (Excel cells are written as plain text, never as formulas)` };
  if (spec.limit !== undefined && !(Number.isSafeInteger(spec.limit) && spec.limit >= 0)) return { key: 'limit', message: `a limit is a whole number of rows, 0 or more, not ${spec.limit}` };
  if (spec.sort !== undefined && spec.sort.some((key) => key.trim() === '' || /^:(asc|desc)$/i.test(key.trim()))) return { key: 'sort', message: 'each sort key names a column: column or column:desc' };
  if (spec.values === 'ja' && (format === 'parquet' || format === 'arrow')) return { key: 'values', message: `Japanese values apply to CSV and Excel, not to ${format} (it keeps the stored values and their types)` };
  return undefined;
}

const join = (folder: string, name: string) => `${folder.replace(/[\\/]+$/, '')}/${name}`;

/** The path with its extension replaced (or added). */
function renamed(path: string, extension: string, wanted: string): string {
  return `${extension === '' ? path : path.slice(0, path.length - extension.length)}${wanted}`;
}

/**
 * A text a spreadsheet would take for a formula gets a leading ' (OWASP's advice against CSV
 * injection), written by JavaScript: breakdown cells, CSV header cells (a remark label
 * `=HYPERLINK(…)`). Cells of a member list are neutralised in SQL by the dialect's formulaSafeText.
 */
export const formulaSafe = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
