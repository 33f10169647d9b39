import { isUtf8 } from 'node:buffer';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import iconv from 'iconv-lite';
import { tablesByCliName, type TableDef } from '../catalog/tables.js';
import type { Engine } from '../engine/engine.js';
import { ImportError, KumiwakeError } from '../errors.js';
import type { Encoding } from '../import/encoding.js';
import type { Mapping } from '../import/mapping.js';

/** Where one header cell of a file goes, as the import will map it. */
export interface PreviewColumn {
  /** the header cell as the file has it */
  readonly header: string;
  /** the canonical column (`customer_id`, `attr:会員ランク`, `group:管理ステイタス`), or null: not a column of the table */
  readonly column: string | null;
  /** the column's Japanese label, when it has one */
  readonly label?: string;
}

export interface ImportPreview {
  readonly table: string;
  readonly file: string;
  /**
   * as the import would read the file; `undecided` for a file of mixed encodings, which the import
   * refuses unless `encoding` forces one reading (`fault` names the lines; the header is shown in
   * the encoding its own line has)
   */
  readonly encoding: Encoding | 'undecided';
  readonly columns: readonly PreviewColumn[];
  /** header cells that name no column of the table: the import refuses the file while there are any */
  readonly unknown: readonly string[];
  /** what else the importer's header check refuses (a required column missing, a duplicate), with file:line */
  readonly fault?: string;
}

export interface ImportPreviewOptions {
  readonly encoding?: 'auto' | Encoding;
  readonly delimiter?: ',' | '\t' | ';';
}

/** The first MB is plenty for a header (the importer refuses one over 300 columns). */
const HEAD_BYTES = 1 << 20;

export function tableOf(name: string): TableDef {
  const table = Object.hasOwn(tablesByCliName, name) ? tablesByCliName[name] : undefined;
  if (!table) throw new KumiwakeError('bad-argument', `unknown table ${name} (expected ${Object.keys(tablesByCliName).join(', ')})`);
  return table;
}

/**
 * How `import` would read a file's header: its encoding (decided from the whole file, as the
 * import does) and, for each header cell, the column the importer's own header mapping gives it.
 * Unlike the import, every unknown cell is listed, not only the first.
 */
export async function previewImport(file: string, tableName: string, options: ImportPreviewOptions = {}): Promise<ImportPreview> {
  const table = tableOf(tableName);
  const [{ detectEncoding, refuseUtf16 }, { mapHeader }, { emptyMapping }, { readFirstRecord }] = await Promise.all([
    import('../import/encoding.js'), import('../import/header.js'), import('../import/mapping.js'), import('../engine/duckdb/import/csv-errors.js'),
  ]);
  refuseUtf16(file);
  let encoding: Encoding | 'undecided';
  let mixed: string | undefined;
  try {
    encoding = options.encoding && options.encoding !== 'auto' ? options.encoding : detectEncoding(file);
  } catch (error) {
    if (!(error instanceof ImportError && error.code === 'encoding-mixed')) throw error;
    [encoding, mixed] = ['undecided', error.message];
  }
  const header = readHeaderIn(file, encoding === 'undecided' ? headerEncoding(file) : encoding, options.delimiter ?? ',', readFirstRecord);
  const mapping: Mapping = { ...emptyMapping, columns: {} };
  const unknown: string[] = [];
  for (;;) {
    try {
      const mapped = mapHeader(table, header, file, mapping);
      const columns = mapped.targets.map((target, i): PreviewColumn => {
        const cell = mapped.cells[i]!;
        if (target.kind === 'column') return { header: cell, column: target.column.name, label: target.column.label };
        if (target.kind === 'group') return { header: cell, column: `${table.groupPrefix}${target.name}` };
        return { header: cell, column: null };
      });
      return { table: tableName, file: basename(file), encoding, columns, unknown, ...(mixed === undefined ? {} : { fault: mixed }) };
    } catch (error) {
      // Flag the unknown cell and look at the rest, as if a mapping ignored it.
      if (error instanceof ImportError && error.code === 'header-unknown' && unknown.length < header.length) {
        const cell = header.find((h) => !Object.hasOwn(mapping.columns, h) && error.column !== undefined && h.replace(/^\uFEFF/, '').startsWith(error.column.replace(/…$/, '')));
        if (cell !== undefined) {
          unknown.push(cell.replace(/^\uFEFF/, ''));
          mapping.columns[cell.replace(/^\uFEFF/, '')] = null;
          continue;
        }
      }
      if (!(error instanceof KumiwakeError)) throw error;
      const cells = header.map((h) => h.replace(/^\uFEFF/, ''));
      return { table: tableName, file: basename(file), encoding, columns: cells.map((h) => ({ header: h, column: null })), unknown, fault: error.message };
    }
  }
}

/**
 * How a mixed file's header is shown: as UTF-8 when its own line is UTF-8, else as CP932 (a
 * Shift_JIS header of 会員番号, 氏名, …).
 */
function headerEncoding(file: string): Encoding {
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(HEAD_BYTES);
  try {
    const read = readSync(fd, head, 0, HEAD_BYTES, 0);
    const end = head.subarray(0, read).indexOf(0x0a);
    return isUtf8(head.subarray(0, end === -1 ? read : end)) ? 'utf-8' : 'cp932';
  } finally {
    closeSync(fd);
  }
}

/** The header record in the file's encoding: a CP932 head is decoded before the importer's reader parses it. */
function readHeaderIn(file: string, encoding: Encoding, delimiter: string, readFirstRecord: (path: string, delimiter?: string) => string[] | undefined): string[] {
  let record: string[] | undefined;
  if (encoding === 'utf-8') {
    record = readFirstRecord(file, delimiter);
  } else {
    const fd = openSync(file, 'r');
    const head = Buffer.alloc(HEAD_BYTES);
    let read: number;
    try {
      read = readSync(fd, head, 0, HEAD_BYTES, 0);
    } finally {
      closeSync(fd);
    }
    const folder = mkdtempSync(join(tmpdir(), 'kumiwake-header-'));
    try {
      const decoded = join(folder, 'header.csv');
      writeFileSync(decoded, iconv.decode(head.subarray(0, read), 'cp932'));
      record = readFirstRecord(decoded, delimiter);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
  if (record === undefined || (record.length === 1 && record[0] === '')) throw new ImportError('file-empty', basename(file), 1, undefined, 'no header line (is the file empty?)');
  return record;
}

/** One import of the `imports` history (data-model.md). */
export interface ImportRecord {
  readonly importId: number;
  readonly table: string;
  readonly mode: string;
  readonly files: readonly string[];
  readonly encodings: readonly string[] | null;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly rowsRead: number | null;
  readonly rowsLoaded: number | null;
  readonly rowsSkipped: number | null;
  readonly rowsRejected: number | null;
  readonly rejectsFile: string | null;
  readonly outcome: 'ok' | 'rejected' | 'failed' | 'interrupted';
  readonly error: string | null;
}

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const text = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value));

const RECORD_COLUMNS = `import_id, table_name, mode, files, encodings, started_at, finished_at, duration_ms, rows_read, rows_loaded, rows_skipped,
  rows_rejected, rejects_file, outcome, error`;

/** The latest imports, newest first. */
export async function importHistory(db: Engine, limit = 50): Promise<ImportRecord[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new KumiwakeError('bad-argument', `limit must be a whole number, 1 or more, not ${limit}`);
  const rows = await db.query<Record<string, unknown>>({ sql: `SELECT ${RECORD_COLUMNS} FROM imports ORDER BY import_id DESC LIMIT $1`, parameters: [limit] });
  return rows.map(asRecord);
}

/** One import of the history by its id, however old; undefined when there is none. */
export async function importRecord(db: Engine, importId: number): Promise<ImportRecord | undefined> {
  if (!Number.isSafeInteger(importId)) return undefined;
  const rows = await db.query<Record<string, unknown>>({ sql: `SELECT ${RECORD_COLUMNS} FROM imports WHERE import_id = $1`, parameters: [importId] });
  return rows.map(asRecord)[0];
}

function asRecord(r: Record<string, unknown>): ImportRecord {
  return {
    importId: Number(r.import_id), table: String(r.table_name), mode: String(r.mode), files: (r.files as string[]) ?? [],
    encodings: (r.encodings as string[] | null) ?? null, startedAt: text(r.started_at), finishedAt: text(r.finished_at), durationMs: Number(r.duration_ms),
    rowsRead: num(r.rows_read), rowsLoaded: num(r.rows_loaded), rowsSkipped: num(r.rows_skipped), rowsRejected: num(r.rows_rejected),
    rejectsFile: (r.rejects_file as string | null) ?? null, outcome: r.outcome as ImportRecord['outcome'], error: (r.error as string | null) ?? null,
  };
}
