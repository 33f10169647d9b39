import { mkdtempSync, openSync, readSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDecoder } from 'node:util';
import type { TableDef } from '../../catalog/tables.js';
import { ImportError } from '../../errors.js';
import { sqlIdent } from '../../dialect/duckdb/sql-text.js';
import type { DuckDBEngine } from '../duckdb/engine.js';
import { readFirstRecord } from '../duckdb/import/csv-errors.js';
import { planStage, type StagePlan } from '../duckdb/import/stage.js';
import { detectEncoding, transcodeToUtf8, type EncodingOption } from '../../import/encoding.js';
import { mapHeader } from '../../import/header.js';
import { lineNumbersOfRecords } from '../../import/line-numbers.js';
import type { Mapping } from '../../import/mapping.js';

interface PlanOptions { encoding?: EncodingOption; delimiter?: string; mappingFile?: string; tz?: string }

/**
 * The DuckDB stage's plan of a file, as the loader makes it (the header read in UTF-8: CP932's
 * second bytes are never a quote or a line feed, so the first MB decoded holds the header whole;
 * the import proper refuses a longer one). Called after the scratch import accepted the file.
 */
function stagePlanOf(table: TableDef, file: string, mapping: Mapping, options: PlanOptions): { plan: StagePlan; cp932: boolean } {
  const cp932 = (options.encoding && options.encoding !== 'auto' ? options.encoding : detectEncoding(file)) === 'cp932';
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(1 << 20);
  const n = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const text = cp932 ? new TextDecoder('shift_jis').decode(head.subarray(0, n)) : head.subarray(0, n).toString('utf8');
  const dir = mkdtempSync(join(tmpdir(), 'kumiwake-header-'));
  try {
    writeFileSync(join(dir, 'head.csv'), text);
    const header = readFirstRecord(join(dir, 'head.csv'), options.delimiter ?? ',') ?? [];
    const plan = planStage(table, mapHeader(table, header, file, mapping, options.mappingFile), header.length, mapping,
      { mappingFile: options.mappingFile, delimiter: options.delimiter ?? ',', tz: options.tz });
    return { plan, cp932 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The table's columns a file fills (its own, derived by the mapping, numbered, computed by the
 * load: purchases' line_no, amount and product_category). An upsert keeps a stored row's other
 * columns (as DuckDB's MERGE does): the ClickHouse import needs to know which they are, since
 * its scratch rows hold defaults there.
 */
export function columnsFilledBy(table: TableDef, file: string, mapping: Mapping, options: PlanOptions): string[] {
  const { plan } = stagePlanOf(table, file, mapping, options);
  const filled = [...plan.columns.map((c) => c.name), ...plan.numbered.map((n) => n.column.name), ...plan.groupColumns];
  if (table.table === 'purchases') filled.push('line_no', 'amount', 'product_category');
  return [...new Set(filled)];
}

/**
 * A typed timestamp ClickHouse 18.16's DateTime cannot hold exactly (SQL over a DuckDB TIMESTAMP).
 * Its time 0, 1970-01-01 00:00:00, is its zero value, read back as `0000-00-00 00:00:00`.
 */
export const notADateTime = (x: string) =>
  `(${x} IS NOT NULL AND (${x} <> date_trunc('second', ${x}) OR ${x} <= TIMESTAMP '1970-01-01' OR ${x} > TIMESTAMP '2105-12-31 23:59:59'))`;

/**
 * The file and line of the first row whose `column` holds such a timestamp, found as the DuckDB
 * loader finds a bad row: the file's typed rows in file order (read by the stage's own query,
 * from a UTF-8 copy for CP932), the record's position traced to its line. Only on the error path.
 */
export async function refuseTimestamp(scratch: DuckDBEngine, table: TableDef, files: readonly string[], column: string, value: string, mapping: Mapping, options: PlanOptions): Promise<ImportError> {
  const reason = `"${value}" cannot be stored exactly in ClickHouse 18.16's DateTime (whole seconds from 1970-01-01 00:00:01 to 2105-12-31)`;
  for (const file of files) {
    const { plan, cp932 } = stagePlanOf(table, file, mapping, options);
    if (!plan.columns.some((c) => c.name === column)) continue;
    const dir = cp932 ? mkdtempSync(join(tmpdir(), 'kumiwake-utf8-')) : undefined;
    try {
      const path = dir ? join(dir, 'copy.csv') : file;
      if (dir) await transcodeToUtf8(file, path);
      await scratch.run(`CREATE OR REPLACE TEMP TABLE kumiwake_refused AS SELECT ${sqlIdent(column)} AS v FROM (${plan.select})`, { path });
      const [found] = await scratch.all<{ record: bigint }>(
        `SELECT (rowid - (SELECT min(rowid) FROM kumiwake_refused))::BIGINT AS record FROM kumiwake_refused WHERE ${notADateTime('v')} ORDER BY rowid LIMIT 1`);
      await scratch.run('DROP TABLE kumiwake_refused');
      if (!found) continue;
      const record = Number(found.record);
      const lines = await lineNumbersOfRecords(path, [record]);
      return new ImportError('value-not-representable', file, lines.get(record) ?? record + 2, column, reason);
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
  return new ImportError('value-not-representable', files.join(', '), undefined, column, reason);
}
