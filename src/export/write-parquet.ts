import { sqlString } from '../engine/duckdb/sql-text.js';
import { exportSelect } from './select.js';
import type { ExportWriter } from './writer.js';

/** Parquet through DuckDB's writer: native types (DECIMAL sales, TIMESTAMP, tags as a list). */
export const parquetWriter: ExportWriter = async ({ db, file, columns, headers, signal, progress }) => {
  const select = exportSelect(columns, headers, 'native');
  await db.runInterruptible(`COPY (${select}) TO ${sqlString(file.tempPath)} (FORMAT parquet, COMPRESSION zstd)`, signal, progress);
};
