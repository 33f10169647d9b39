import type { InputNames } from '../input-names.js';
import type { WrittenFile } from '../export/export-segment.js';
import type { OutputSpec } from '../export/formats.js';
import type { EncodingOption } from '../import/encoding.js';
import type { ImportMode } from '../engine/duckdb/import/load.js';
import type { Logger } from '../logger.js';
import type { ProgressReporter } from '../progress.js';
import type { SegmentWarning } from '../segments/warnings.js';

export interface WorkspaceOptions {
  /** the database file (created on first use unless read-only), or ':memory:'; with `engine`, the file of Kumiwake's own tables */
  readonly db: string;
  /**
   * `clickhouse://HOST:8123/DATABASE?cluster=NAME`: the data on ClickHouse (`kumiwake cluster init`
   * made its tables), saved segments, jobs and history in the file `db` (`clickHouseStateFile`).
   * Count, explain, export, segments, job runs and history run there; other methods refuse it.
   */
  readonly engine?: string;
  /** how the user gave `engine` (`--engine`, `KUMIWAKE_ENGINE`), for messages */
  readonly engineSetting?: string;
  /** the time zone of dates and timestamps, and of "today" (default Asia/Tokyo) */
  readonly tz?: string;
  /** where the library logs (pino's call shape); default: nowhere */
  readonly logger?: Logger;
  /** stops running work (an import, an export, a job): nothing is left half-done */
  readonly signal?: AbortSignal;
  /** open without writing; several read-only processes may share a file */
  readonly readOnly?: boolean;
  /** shows the progress of long work (large files); default: none */
  readonly progress?: ProgressReporter;
  /** DuckDB's memory limit (default 400MB, 1GB read-only) */
  readonly memoryLimit?: string;
  /** DuckDB's memory while an export writes (default 200MB, Excel 128MB) */
  readonly exportMemoryLimit?: string;
  /**
   * What a user sets to raise each limit, named in the out-of-memory sentence (the CLI passes
   * its environment variables)
   */
  readonly settingNames?: { readonly memoryLimit?: string; readonly exportMemoryLimit?: string };
  /** how long to wait for another process to release the database (default 60 s) */
  readonly lockTimeoutMs?: number;
  /** told once when the database is busy and the workspace starts waiting, with who holds it (e.g. "another kumiwake process (pid 123)") */
  readonly onWait?: (path: string, holder: string) => void;
  /** rows per Excel sheet, below Excel's own limit */
  readonly xlsxRowsPerSheet?: number;
  /** one folder for decoded copies of CP932 files (default: RAM when it fits, else beside the database) */
  readonly decodeDir?: string;
  /**
   * Keep each condition's customers between counts (a builder that changes one condition at a
   * time: a second count evaluates only what changed). Costs a customer index and one bit per
   * customer per condition kept; pays off from the second count on. Default off (one-shot counts).
   */
  readonly interactive?: boolean;
}

/**
 * A segment to evaluate: a saved segment by name (`{ segment: 'dormant-repeaters' }`), or a
 * definition as plain JSON data (`{ definition: {...} }`, src/model/segment-definition.md),
 * checked before it runs.
 */
export type SegmentInput = { readonly segment: string } | { readonly definition: unknown };

export interface SaveSegmentOptions {
  /** replace a segment of that name; the definition it held is kept as a previous version */
  readonly force?: boolean;
}

export interface EvaluateOptions {
  /** evaluate as of this date, YYYY-MM-DD (default: today in the workspace's time zone) */
  readonly asOf?: string;
  /**
   * Warnings (names the data does not hold: an unknown mail id, product, tag, a value that never
   * occurs, …) are a fault: a `KumiwakeError` with code `strict-warnings` (exit 2) listing them
   * with their paths, instead of the result's `warnings`.
   */
  readonly strict?: boolean;
  /** how the caller names its inputs in faults (default the CLI's flags, `--as-of`; the web page's `asOf`) */
  readonly names?: InputNames;
}

export type TableName = 'customers' | 'purchases' | 'products' | 'mails' | 'mail-events' | 'subscriptions' | 'stores';

export interface ImportRequest {
  readonly table: TableName;
  readonly files: readonly string[];
  readonly encoding?: EncodingOption;
  readonly mode?: ImportMode;
  /** a JSON mapping file renaming or ignoring columns */
  readonly mapping?: string;
  /** bad rows to set aside in a rejects file before the import fails (default 0) */
  readonly maxRejects?: number;
  /** the field separator of the files: `,` (default), `\t` (TSV) or `;` */
  readonly delimiter?: ',' | '\t' | ';';
  /** let `mode: 'replace'` empty the table when the files hold no row (refused otherwise) */
  readonly allowEmpty?: boolean;
  /** this import's progress (default: the workspace's reporter) */
  readonly progress?: ProgressReporter;
  /** stops this import (default: the workspace's signal) */
  readonly signal?: AbortSignal;
}

export interface MembersRequest extends EvaluateOptions {
  /** columns of each row (default: customer_id); any export column */
  readonly columns?: readonly string[];
  /** the column to sort by (default customer_id), ascending unless `descending` */
  readonly sort?: string;
  readonly descending?: boolean;
  /** rows to skip (default 0) and to return (default 100, at most 10,000) */
  readonly offset?: number;
  readonly limit?: number;
}

export interface MembersPage {
  readonly total: number;
  readonly asOf: string;
  readonly offset: number;
  readonly rows: ReadonlyArray<Record<string, unknown>>;
}

/**
 * One file of a segment's customers: what a job output takes (src/export/formats.ts
 * `OutputSpec`: format, columns, encoding, headers, csvFormulas, values, rows, sort, limit), with `out` for its path.
 * The format comes from the file name (.csv .xlsx .parquet .arrow/.feather/.ipc) unless given; a
 * name of another format is refused.
 */
export interface ExportRequest extends EvaluateOptions, Omit<OutputSpec, 'path'> {
  /** the file to write; it appears whole or not at all */
  readonly out: string;
  /** files the caller read (a definition file): never overwritten by the export */
  readonly inputs?: readonly string[];
}

export interface ExportResult {
  readonly count: number;
  readonly reachable: { readonly email: number; readonly line: number; readonly dm: number };
  readonly asOf: string;
  /** the file written, with what had to change in it (removed, replaced and lost characters) */
  readonly file: Omit<WrittenFile, 'elapsedMs'>;
  readonly elapsedMs: number;
  /** what the definition names that the data does not hold (see `CountResult`) */
  readonly warnings: readonly SegmentWarning[];
}

export interface RunJobRequest {
  /** evaluate as of this date, YYYY-MM-DD (default: today in the job's time zone) */
  readonly asOf?: string;
  /** how the caller names `asOf` in its fault (default `--as-of`) */
  readonly names?: InputNames;
  /** warnings fail the run (as the job file's `"strict": true` does) */
  readonly strict?: boolean;
  /** the folder every output stays inside (default: data/out beside the jobs folder) */
  readonly outputRoot?: string;
}

export interface HistoryFilter {
  readonly job?: string;
  readonly segment?: string;
  /** the latest N runs (default 50) */
  readonly limit?: number;
}
