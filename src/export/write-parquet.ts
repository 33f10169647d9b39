import { exportSelect } from './select.js';
import type { ExportWriter } from './writer.js';

/** Parquet through the engine's own writer: native types (decimal sales, timestamps, tags as a list). */
export const parquetWriter: ExportWriter = async ({ db, dialect, file, columns, headers, query, signal, progress }) => {
  await db.copyToFile(exportSelect(dialect, columns, headers, 'native', query), file.tempPath, 'parquet', signal, progress);
};
