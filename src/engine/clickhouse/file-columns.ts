import { mkdtempSync, openSync, readSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDecoder } from 'node:util';
import type { TableDef } from '../../catalog/tables.js';
import { readFirstRecord } from '../duckdb/import/csv-errors.js';
import { planStage } from '../duckdb/import/stage.js';
import { detectEncoding, type EncodingOption } from '../../import/encoding.js';
import { mapHeader } from '../../import/header.js';
import type { Mapping } from '../../import/mapping.js';

/**
 * The table's columns a file fills (its own, derived by the mapping, numbered, computed by the
 * load: purchases' line_no, amount and product_category), as the DuckDB stage plans them. An
 * upsert keeps a stored row's other columns (DuckDB's MERGE does the same): the ClickHouse
 * import needs to know which they are, since its scratch rows hold defaults there.
 */
export function columnsFilledBy(table: TableDef, file: string, mapping: Mapping, options: { encoding?: EncodingOption; delimiter?: string; mappingFile?: string }): string[] {
  const encoding = options.encoding && options.encoding !== 'auto' ? options.encoding : detectEncoding(file);
  const delimiter = options.delimiter ?? ',';
  // The header record in UTF-8: CP932's second bytes are never a quote or a line feed, so the
  // first MB decoded holds the header whole (the import proper refuses a longer header).
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(1 << 20);
  const n = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const text = encoding === 'cp932' ? new TextDecoder('shift_jis').decode(head.subarray(0, n)) : head.subarray(0, n).toString('utf8');
  const dir = mkdtempSync(join(tmpdir(), 'kumiwake-header-'));
  try {
    writeFileSync(join(dir, 'head.csv'), text);
    const header = readFirstRecord(join(dir, 'head.csv'), delimiter) ?? [];
    const plan = planStage(table, mapHeader(table, header, file, mapping, options.mappingFile), header.length, mapping, { mappingFile: options.mappingFile, delimiter });
    const filled = [...plan.columns.map((c) => c.name), ...plan.numbered.map((n) => n.column.name), ...plan.groupColumns];
    if (table.table === 'purchases') filled.push('line_no', 'amount', 'product_category');
    return [...new Set(filled)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
