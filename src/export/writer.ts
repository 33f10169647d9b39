import { JSDuckDBValueConverter } from '@duckdb/node-api';
import type { Database } from '../db/database.js';
import { throwIfAborted } from '../interrupt.js';
import type { AtomicFile } from './atomic-file.js';
import type { ExportColumn } from './columns.js';
import type { HeaderStyle } from './select.js';

export interface ExportContext {
  readonly db: Database;
  /** write to `file.tempPath`; the caller commits (renames) it when the writer returns */
  readonly file: AtomicFile;
  readonly columns: readonly ExportColumn[];
  readonly headers: HeaderStyle;
  /** how many customers the members table holds */
  readonly rowCount: number;
  readonly signal?: AbortSignal;
  readonly progress: (fraction: number) => void;
}

export type ExportWriter = (context: ExportContext) => Promise<void>;

/** Streams a query's rows as JS column arrays (one DuckDB chunk of ~2,048 rows at a time). */
export async function* streamColumns(db: Database, select: string, signal?: AbortSignal): AsyncGenerator<unknown[][]> {
  const result = await db.conn.stream(select);
  for (;;) {
    throwIfAborted(signal);
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    yield chunk.convertColumns(JSDuckDBValueConverter);
  }
}
