import { exportSelect, headerOf } from './select.js';
import type { ExportWriter } from './writer.js';

/** Parquet through the engine's own writer: native types (decimal sales, timestamps, days, yes/no, tags as a list). */
export const parquetWriter: ExportWriter = async ({ db, dialect, file, columns, headers, query, signal, progress }) => {
  const kinds = Object.fromEntries(columns.filter((c) => c.type === 'date' || c.type === 'boolean').map((c) => [headerOf(c, headers), c.type as 'date' | 'boolean']));
  await db.copyToFile(exportSelect(dialect, columns, headers, 'native', query), file.tempPath, 'parquet', signal, progress, kinds);
};
