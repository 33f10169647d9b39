import { realpathSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { dialectOf } from '../dialect/registry.js';
import { KumiwakeError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { noProgress, silentProgress, type ProgressReporter } from '../progress.js';
import { AtomicFile } from './atomic-file.js';
import { attributeColumns, DEFAULT_EXPORT_COLUMNS, DEFAULT_PURCHASE_COLUMNS, orderGroupColumns, resolveExportColumns, type ExportColumn } from './columns.js';
import { MEMBERS_TABLE, membersTableOf } from './select.js';
import { readRemarkLabels, withRemarkLabels } from './remark-labels.js';
import { resolveSortKeys } from './sort.js';
import { arrowWriter } from './write-arrow.js';
import { csvWriter } from './write-csv.js';
import { formatOf, outputFault, pathFault, shownPath, valueStyleOf, type ExportFormat, type OutputSpec } from './formats.js';
import { checkTarget, writeFault } from './target.js';
import { parquetWriter } from './write-parquet.js';
import { xlsxWriter } from './write-xlsx.js';
import type { ExportWriter, LostCharacter } from './writer.js';

export type { LostCharacter } from './writer.js';

export interface WrittenFile {
  readonly path: string;
  readonly format: ExportFormat;
  readonly rows: number;
  readonly bytes: number;
  readonly elapsedMs: number;
  /** characters taken out of the values to make a valid file: those XML forbids, in an Excel file */
  readonly removed: { readonly xlsxInvalidCharacters: number };
  /**
   * written as another: CP932 look-alikes (〜 as ～, − as －, …); in an Excel file, values Excel
   * cannot hold (numbers of more than 15 digits, dates before 1900) as their text
   */
  readonly replaced: { readonly cp932LookAlikes: number; readonly xlsxValuesAsText: number };
  /** characters CP932 cannot hold, written as "?", with the rows they were in */
  readonly lostCharacters: readonly LostCharacter[];
}

function writerFor(format: ExportFormat, spec: OutputSpec, settings: ExportSettings): ExportWriter {
  switch (format) {
    case 'csv': return csvWriter(spec.encoding ?? 'utf-8-bom');
    case 'xlsx': return xlsxWriter(settings.xlsxRowsPerSheet);
    case 'parquet': return parquetWriter;
    case 'arrow': return arrowWriter;
  }
}

export interface ExportSettings {
  readonly signal?: AbortSignal;
  /** files this command reads (the definition): the export never replaces them */
  readonly inputs?: readonly string[];
  readonly logger?: Logger;
  /** shows the progress of a list long enough to take a while */
  readonly progress?: ProgressReporter;
  /** DuckDB's memory while writing (default by format, see below), and the setting named when it is too small */
  readonly memoryLimit?: string;
  readonly memorySetting?: string;
  /** rows per Excel sheet, below Excel's own limit (tests of the sheet roll-over) */
  readonly xlsxRowsPerSheet?: number;
  /** columns written before the asked ones, from the members table (a diff's `change`) */
  readonly leadingColumns?: readonly ExportColumn[];
  /** the evaluated segment's as-of date, YYYY-MM-DD: days_since_last_order counts to it */
  readonly asOf?: string;
  /**
   * on a server (ClickHouse): a table of ids sent from the state file (a job's entered / left, a
   * diff: clickhouse/state-ids.ts) listed instead of the evaluated members; some may no longer be stored
   */
  readonly serverIds?: string;
  /** where the columns and sort keys were given, named in their faults (default `--columns`, `--sort`; a job's `FILE: outputs[0].columns`) */
  readonly givenAt?: { readonly columns: string; readonly sort: string };
}

/** realpath, or the resolved path when the file does not exist. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** An export never replaces the database or the file it was asked to read (the definition). */
function refuseOverwritingInputs(target: string, inputs: readonly string[]): void {
  const real = realPath(target);
  for (const input of inputs) {
    if (input !== '-' && realPath(input) === real) {
      throw new KumiwakeError('export-overwrites-input', `--out ${target}: that is ${input}, an input of this command; choose another file`);
    }
  }
}

/**
 * Everything about an output that can be refused before the segment is evaluated: the path's
 * shape and extension, the options of its format, the inputs it would replace, and the place
 * (a folder, a device, a FIFO, a path under a file). Nothing is created.
 */
export function checkOutput(db: Engine, spec: OutputSpec, settings: Pick<ExportSettings, 'inputs'> = {}): void {
  const shape = pathFault(spec.path);
  if (shape) throw new KumiwakeError('bad-output', shape);
  refuseOverwritingInputs(spec.path, [db.location, `${db.location}.wal`, ...(settings.inputs ?? [])]);
  checkTarget(spec.path);
  const fault = outputFault(spec);
  if (fault) throw new KumiwakeError('bad-output', fault.message);
}

/**
 * DuckDB's memory while writing: the sort by customer_id spills beyond it, so that an export of a
 * million customers stays under 600 MB of process memory with the writer and Node included.
 * Excel gets less: exceljs and its zip stream hold more memory than the other writers, and at
 * 30 s of JavaScript per million rows a slower sort changes nothing (with 200 MB it peaked at
 * 490-650 MB, with 128 MB at 390-450 MB, in the same time). CSV and Parquet, written by DuckDB in
 * about 2 s, would be half again slower with 128 MB.
 */
function defaultMemoryLimit(format: ExportFormat): string {
  return format === 'xlsx' ? '128MB' : '200MB';
}

/** A failure while the file was written, as a sentence naming the file asked for (never the temp file). */
function writeFailure(target: string, error: unknown): unknown {
  if (error instanceof KumiwakeError && error.code === 'file-write-failed') {
    return new KumiwakeError('export-write-failed', `cannot write ${shownPath(target)}: ${error.message}`, 1);
  }
  return writeFault(target, error, 1) ?? error;
}

/** How many order lines the members have (a list of order lines, `rows: 'purchases'`). */
async function memberLineCount(db: Engine): Promise<number> {
  const [row] = await db.query<{ n: bigint }>({ sql: `SELECT count(*) AS n FROM ${MEMBERS_TABLE} AS m JOIN purchases AS p ON p.customer_id = m.customer_id`, parameters: [] });
  return Number(row?.n ?? 0);
}

/**
 * Writes the evaluated segment (the members table made by `materializeMembers`) to one file,
 * whole or not at all: a failure or an interrupt leaves the target as it was.
 */
export async function writeExport(db: Engine, spec: OutputSpec, rowCount: number, settings: ExportSettings = {}): Promise<WrittenFile> {
  const started = performance.now();
  const { signal } = settings;
  const log = settings.logger ?? silentLogger;
  checkOutput(db, spec, settings);
  const format = formatOf(spec);
  const rows = spec.rows ?? 'members';
  const named = { attr: await attributeColumns(db), group: rows === 'purchases' ? await orderGroupColumns(db) : new Set<string>() };
  // An engine that keeps the members on its server (ClickHouse) lists them there (clickhouse/select.ts).
  const serverTable = settings.serverIds ?? membersTableOf(db);
  const server = serverTable === undefined ? undefined : await import('./clickhouse/context.js');
  const columns = withRemarkLabels([
    ...(settings.leadingColumns ?? []),
    ...resolveExportColumns(spec.columns ?? (rows === 'purchases' ? [...DEFAULT_PURCHASE_COLUMNS, ...[...named.group].sort()] : DEFAULT_EXPORT_COLUMNS), named.attr, settings.givenAt?.columns ?? '--columns', rows, named.group),
  ], spec.headers === 'ja' ? await readRemarkLabels(server ? server.clickhouseEngineOf(db).state : db) : {});
  const serverMembers = server && serverTable ? await server.serverMembersOf(db, serverTable, settings.serverIds !== undefined) : undefined;
  const query = { rows, sort: resolveSortKeys(spec.sort ?? [], named, rows, settings.givenAt?.sort), limit: spec.limit, asOf: settings.asOf, serverMembers };
  const lines = rows !== 'purchases' ? undefined : serverMembers ? await server!.serverLineCount(db, serverMembers) : await memberLineCount(db);
  const listed = Math.min(lines ?? rowCount, spec.limit ?? Number.MAX_SAFE_INTEGER);
  const cells = { values: valueStyleOf(spec), csvFormulas: spec.csvFormulas ?? 'neutralise' };
  const write = writerFor(format, spec, settings);
  const file = AtomicFile.create(spec.path, log);
  const bar = listed > 100_000 ? (settings.progress ?? noProgress)(`exporting ${basename(spec.path)}`) : silentProgress;
  let report;
  try {
    report = await db.withMemoryLimit(settings.memoryLimit || defaultMemoryLimit(format), () =>
      write({ db, dialect: dialectOf(db), file, columns, headers: spec.headers ?? 'canonical', query, cells, rowCount: listed, signal, progress: (f) => bar.update(f), logger: log }),
    settings.memorySetting ?? 'exportMemoryLimit');
    file.commit();
  } catch (e) {
    file.abort();
    throw writeFailure(file.target, e);
  } finally {
    bar.stop();
  }
  const written: WrittenFile = {
    path: file.target, format, rows: listed, bytes: statSync(file.target).size, elapsedMs: Math.round(performance.now() - started),
    removed: { xlsxInvalidCharacters: report?.xlsxInvalidCharacters ?? 0 },
    replaced: { cp932LookAlikes: report?.cp932LookAlikes ?? 0, xlsxValuesAsText: report?.xlsxValuesAsText ?? 0 },
    lostCharacters: report?.lostCharacters ?? [],
  };
  if (written.removed.xlsxInvalidCharacters > 0) log.warn({ file: file.target, characters: written.removed.xlsxInvalidCharacters }, 'characters Excel files cannot hold were removed');
  if (written.replaced.xlsxValuesAsText > 0) log.warn({ file: file.target, values: written.replaced.xlsxValuesAsText }, 'values Excel cannot hold exactly were written as text');
  log.info(written, 'export written');
  return written;
}
