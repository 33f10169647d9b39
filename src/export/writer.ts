import type { SqlDialect } from '../dialect/dialect.js';
import type { Logger } from '../logger.js';
import type { Engine } from '../engine/engine.js';
import type { AtomicFile } from './atomic-file.js';
import type { ExportColumn } from './columns.js';
import type { CellStyle, ExportQuery, HeaderStyle } from './select.js';

export interface ExportContext {
  readonly db: Engine;
  /** the engine's SQL dialect, for the select over the members table */
  readonly dialect: SqlDialect;
  /** write to `file.tempPath`; the caller commits (renames) it when the writer returns */
  readonly file: AtomicFile;
  readonly columns: readonly ExportColumn[];
  readonly headers: HeaderStyle;
  /** which rows, in which order, how many; the as-of date of the figures */
  readonly query: ExportQuery;
  /** enum values and booleans as stored or as labels; CSV formulas neutralised or kept */
  readonly cells: CellStyle;
  /** how many customers the members table holds */
  readonly rowCount: number;
  readonly signal?: AbortSignal;
  readonly progress: (fraction: number) => void;
  readonly logger: Logger;
}

/** A character CP932 cannot hold, written as "?": where it was (rows of the file, the header is row 1). */
export interface LostCharacter {
  readonly character: string;
  /** `U+1F363` */
  readonly codePoint: string;
  /** how many times it was lost */
  readonly count: number;
  /** the rows it was lost in, the first MAX_ROWS_LISTED of them */
  readonly rows: readonly number[];
}

/** Rows listed per lost character; `count` says how many times it was lost in all. */
export const MAX_ROWS_LISTED = 100;

/** What a writer changed in the values to make a valid file (see WrittenFile). */
export interface WriteReport {
  readonly xlsxInvalidCharacters?: number;
  /** Excel: numbers of more than 15 digits and dates before 1900 written as their text (excel-values.ts) */
  readonly xlsxValuesAsText?: number;
  readonly cp932LookAlikes?: number;
  readonly lostCharacters?: readonly LostCharacter[];
}

export type ExportWriter = (context: ExportContext) => Promise<WriteReport | void>;

/** Streams a query's rows as JS column arrays, a batch at a time. */
export function streamColumns(db: Engine, select: string, signal?: AbortSignal): AsyncGenerator<unknown[][]> {
  return db.stream(select, signal);
}
