import type { Kysely } from 'kysely';
import type { Tables } from './tables.js';

/** A statement with its bound values, as a dialect compiles it (Kysely's shape). */
export interface CompiledQuery {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** A column of the open database, for the planner's `attr:` / `group:` columns and for checks. */
export interface ColumnInfo {
  readonly table: string;
  readonly column: string;
  readonly type: string;
}

/**
 * What the rest of Kumiwake needs from a SQL engine. The DuckDB engine (src/engine/duckdb/) is
 * the first; a second engine implements this beside its dialect (src/dialect/<engine>/) and adds
 * one line to src/dialect/registry.ts.
 */
/** Output columns by name whose values are days (`YYYY-MM-DD` text) or yes/no (0 / 1). */
export type OutputKinds = Readonly<Record<string, 'date' | 'boolean'>>;

export interface Engine {
  /** the dialect this engine speaks: a key of the dialect registry */
  readonly dialectName: string;
  /** where the data lives (a file path, or a server address), for messages */
  readonly location: string;
  query<T = Record<string, unknown>>(compiled: CompiledQuery): Promise<T[]>;
  /** rows in batches (column vectors), for exports that must not hold a whole list in memory */
  stream(sql: string, signal?: AbortSignal): AsyncGenerator<unknown[][]>;
  /** runs `work` in one transaction: all of it commits, or none of it does */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** stops the statement running now; it fails and its transaction rolls back */
  interrupt(): void;
  /** every table column of the database */
  introspect(): Promise<ColumnInfo[]>;
  hasTable(name: string): Promise<boolean>;
  /** Kumiwake's own tables (saved segments, job runs) through Kysely */
  kysely(): Kysely<Tables>;
  /** marks in schema_info, e.g. 'purchase_summaries' (derived tables are built) or 'sample_data' */
  hasSchemaMark(key: string): Promise<boolean>;
  setSchemaMark(key: string, value?: string): Promise<void>;
  /**
   * writes a query's rows to a file with the engine's own CSV or Parquet writer; `kinds` names the
   * output columns that are days or yes/no, for an engine whose query cannot give those types
   * (ClickHouse 18.16: dates before 1970, no Bool)
   */
  copyToFile(select: string, path: string, format: 'csv' | 'parquet', signal: AbortSignal | undefined, onProgress: (fraction: number) => void, kinds?: OutputKinds): Promise<void>;
  /** runs `work` with the engine's memory limited to `limit`; running out names `setting` */
  withMemoryLimit<T>(limit: string, work: () => Promise<T>, setting?: string): Promise<T>;
  close(): void;
}

/**
 * A statement the engine refused or failed. Carries the SQL and its parameters, so a job's
 * history and the log can say exactly what ran; not a user's mistake (those are checked before
 * any SQL runs), so it is not a KumiwakeError and the CLI reports it as an internal error. Its
 * message is the engine's own, which the importer reads to name a CSV file's line.
 */
export class QueryError extends Error {
  readonly code = 'query-failed';

  constructor(
    message: string,
    readonly sql: string,
    readonly parameters: readonly unknown[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'QueryError';
  }
}
