import type { SqlDialect } from '../dialect/dialect.js';
import type { Logger } from '../logger.js';
import type { Engine } from '../engine/engine.js';
import type { AtomicFile } from './atomic-file.js';
import type { ExportColumn } from './columns.js';
import type { HeaderStyle } from './select.js';

export interface ExportContext {
  readonly db: Engine;
  /** the engine's SQL dialect, for the select over the members table */
  readonly dialect: SqlDialect;
  /** write to `file.tempPath`; the caller commits (renames) it when the writer returns */
  readonly file: AtomicFile;
  readonly columns: readonly ExportColumn[];
  readonly headers: HeaderStyle;
  /** how many customers the members table holds */
  readonly rowCount: number;
  readonly signal?: AbortSignal;
  readonly progress: (fraction: number) => void;
  readonly logger: Logger;
}

export type ExportWriter = (context: ExportContext) => Promise<void>;

/** Streams a query's rows as JS column arrays, a batch at a time. */
export function streamColumns(db: Engine, select: string, signal?: AbortSignal): AsyncGenerator<unknown[][]> {
  return db.stream(select, signal);
}
