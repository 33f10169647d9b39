import { realpathSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Database } from '../db/database.js';
import { KumiwakeError } from '../errors.js';
import { log } from '../log.js';
import { progressBar } from '../progress.js';
import { schemaInfo } from '../segments/evaluate.js';
import { AtomicFile } from './atomic-file.js';
import { DEFAULT_EXPORT_COLUMNS, resolveExportColumns } from './columns.js';
import { arrowWriter } from './write-arrow.js';
import { csvWriter } from './write-csv.js';
import { formatOf, type ExportFormat, type OutputSpec } from './formats.js';
import { parquetWriter } from './write-parquet.js';
import { xlsxWriter } from './write-xlsx.js';
import type { ExportWriter } from './writer.js';

export interface WrittenFile {
  readonly path: string;
  readonly format: ExportFormat;
  readonly rows: number;
  readonly bytes: number;
  readonly elapsedMs: number;
}

function writerFor(format: ExportFormat, spec: OutputSpec): ExportWriter {
  if (spec.encoding && format !== 'csv') throw new KumiwakeError('bad-argument', `an encoding applies to CSV only, not to ${format}`);
  switch (format) {
    case 'csv': return csvWriter(spec.encoding ?? 'utf-8-bom');
    case 'xlsx': return xlsxWriter(rowsPerSheetFromEnv());
    case 'parquet': return parquetWriter;
    case 'arrow': return arrowWriter;
  }
}

/** Excel's sheet limit; KUMIWAKE_XLSX_ROWS_PER_SHEET lowers it (tests of the sheet roll-over). */
function rowsPerSheetFromEnv(): number | undefined {
  const n = Number(process.env.KUMIWAKE_XLSX_ROWS_PER_SHEET);
  return Number.isInteger(n) && n > 0 ? n : undefined;
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
 * DuckDB's memory while writing: the sort by customer_id spills beyond it, so that an export of a
 * million customers stays under 600 MB of process memory with the writer and Node included.
 * Excel gets less: exceljs and its zip stream hold more memory than the other writers, and at
 * 30 s of JavaScript per million rows a slower sort changes nothing (with 200 MB it peaked at
 * 490-650 MB, with 128 MB at 390-450 MB, in the same time). CSV and Parquet, written by DuckDB in
 * about 2 s, would be half again slower with 128 MB.
 */
function exportMemoryLimit(format: ExportFormat): string {
  return process.env.KUMIWAKE_EXPORT_MEMORY_LIMIT || (format === 'xlsx' ? '128MB' : '200MB');
}

/**
 * Writes the evaluated segment (the members table made by `materializeMembers`) to one file,
 * whole or not at all: a failure or an interrupt leaves the target as it was.
 */
export async function writeExport(db: Database, spec: OutputSpec, rowCount: number, signal?: AbortSignal, inputs: readonly string[] = []): Promise<WrittenFile> {
  const started = performance.now();
  refuseOverwritingInputs(spec.path, [db.path, `${db.path}.wal`, ...inputs]);
  const format = formatOf(spec);
  const attrColumns = (await schemaInfo(db)).customerColumns;
  const columns = resolveExportColumns(spec.columns ?? DEFAULT_EXPORT_COLUMNS, attrColumns);
  const write = writerFor(format, spec);
  const file = AtomicFile.create(spec.path);
  const bar = progressBar(`exporting ${basename(spec.path)}`, process.stderr.isTTY === true && rowCount > 100_000);
  try {
    await db.withMemoryLimit(exportMemoryLimit(format), () =>
      write({ db, file, columns, headers: spec.headers ?? 'canonical', rowCount, signal, progress: (f) => bar.update(f) }), 'KUMIWAKE_EXPORT_MEMORY_LIMIT');
    file.commit();
  } catch (e) {
    file.abort();
    throw e;
  } finally {
    bar.stop();
  }
  const written = { path: file.target, format, rows: rowCount, bytes: statSync(file.target).size, elapsedMs: Math.round(performance.now() - started) };
  log.info(written, 'export written');
  return written;
}
