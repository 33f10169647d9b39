import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBConnection, DuckDBInstance, DuckDBScalarFunction, JSDuckDBValueConverter, VARCHAR, listValue, type DuckDBValue } from '@duckdb/node-api';
import { FOLD_MACRO_SQL } from '../../dialect/duckdb/fold.js';
import { DatabaseBusyError, DiskFullError, diskFullOf, KumiwakeError, OutOfMemoryError } from '../../errors.js';
import { InterruptedError } from '../../interrupt.js';
import { silentLogger, type Logger } from '../../logger.js';
import { QueryError, type ColumnInfo, type CompiledQuery, type Engine } from '../engine.js';
import { sqlString } from '../../dialect/duckdb/sql-text.js';
import type { Kysely } from 'kysely';
import type { Tables } from '../tables.js';
import { kyselyFor } from './kysely.js';
import { assertDatabaseFile, isInvalidDatabaseError, lockHolder, notADatabase, removeSpillLeftovers } from './file-checks.js';

export const DEFAULT_DB_PATH = 'data/kumiwake.duckdb';
import { keptCustomerColumnsMissing, refreshKeptCustomerColumns } from './import/customer-columns.js';
import { dropSideTables } from './import/side-load.js';

const SCHEMA_FILE = new URL('../../../sql/schema.sql', import.meta.url);

export interface OpenOptions {
  /** open without writing; several read-only processes may share a file, but not with a writer */
  readonly readOnly?: boolean;
  /** how long to wait for another process to release the file (default 60 s) */
  readonly lockTimeoutMs?: number;
  /**
   * called once when the file is busy and we start waiting, with who holds it when that can be
   * told ("another kumiwake process (pid N)", "another program (pid N: PROGRAM)"), else "another process"
   */
  readonly onWait?: (path: string, holder: string) => void;
  /**
   * DuckDB's memory limit, e.g. '400MB' (default: 400MB to write, 1GB read-only), and the
   * setting a user raises when it is too small (named in the out-of-memory sentence)
   */
  readonly memoryLimit?: string;
  readonly memorySetting?: string;
  readonly logger?: Logger;
}

const isLockError = (e: unknown): boolean => e instanceof Error && /Could not set lock on file|Conflicting lock is held/i.test(e.message);

/**
 * Files this process has open. DuckDB's file lock is per process, so a second instance of the
 * same file in one process opens without complaint and two writers corrupt it: a second opening
 * waits here as it would for another process.
 */
const openInThisProcess = new Set<string>();
class OpenInThisProcess extends Error {}

/**
 * DuckDB's out-of-memory failures: of a statement (`Out of Memory Error: …`), and of a commit, which
 * DuckDB reports as `TransactionContext Error: Failed to commit: failed to pin block …` or
 * `… could not allocate block …`.
 */
export function isOutOfMemory(message: string): boolean {
  return /^Out of Memory Error|^TransactionContext Error: Failed to commit: (?:Out of Memory Error: )?(?:failed to (?:pin|allocate)|could not allocate) block/.test(message);
}

/**
 * DuckDB's spill folder outgrew its limit, `max_temp_directory_size`, which Kumiwake leaves at
 * DuckDB's default: 90% of the disk space free when it started. DuckDB reports it as out of
 * memory, but more memory is not the cure: the disk holding the folder is (nearly) full.
 */
const SPILL_FOLDER_FULL = /max_temp_directory_size/;

/** DuckDB's memory limit for a process that writes (imports), unless the user sets one. */
export const WRITING_MEMORY_LIMIT = '400MB';

/** One open DuckDB database file with a single connection. */
export class DuckDBEngine implements Engine {
  readonly dialectName = 'duckdb';

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    readonly logger: Logger,
  ) {}

  get location(): string {
    return this.path;
  }

  /** Where DuckDB spills work larger than its memory limit: its default temp_directory. */
  private get spillFolder(): string {
    return this.path === ':memory:' ? '.tmp' : `${this.path}.tmp`;
  }

  /**
   * Opens (and on first use creates) a database file. DuckDB lets one process write a file at a
   * time; when another process holds it we wait, bounded, and then give a clear "busy" error.
   */
  static async open(path: string, options: OpenOptions = {}): Promise<DuckDBEngine> {
    const file = path === ':memory:' ? path : resolve(path);
    if (file !== ':memory:') {
      // A CSV, Parquet or JSON file named as the database would open as an in-memory database.
      assertDatabaseFile(file);
      mkdirSync(dirname(file), { recursive: true });
    }
    const timeout = options.lockTimeoutMs ?? 60_000;
    const logger = options.logger ?? silentLogger;
    const started = Date.now();
    let warned = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const config: Record<string, string> = {};
        if (options.readOnly) config.access_mode = 'READ_ONLY';
        // Imports stay well under 1 GB of process memory (DuckDB allocates some beyond its limit);
        // read-only work (counts) may use more for its hash tables.
        const memory = options.memoryLimit || (options.readOnly ? '1GB' : WRITING_MEMORY_LIMIT);
        config.memory_limit = memory;
        // A new database file is written in the newest storage format of the DuckDB we ship
        // (readable by DuckDB 1.5 and later): its string compression (DICT_FSST) is analysed in one
        // pass instead of two, which makes a large import about a fifth faster. An existing file
        // keeps the format it was made with.
        config.storage_compatibility_version = 'latest';
        // DuckDB's allocator (jemalloc) keeps freed memory for reuse unless its background threads
        // hand it back: with them the 3x shuffled imports peaked at 884 MB (purchases) and 822 MB
        // (mail events) against 927 and 893 MB, the 1x purchases at 712-757 against 840-862 MB, in
        // the same time or less. One setting for the whole process, which suits a server too.
        config.allocator_background_threads = 'true';
        if (openInThisProcess.has(file)) throw new OpenInThisProcess();
        // Claimed before the first await, so two openings in this process never both go ahead.
        if (file !== ':memory:') openInThisProcess.add(file);
        let instance: DuckDBInstance | undefined;
        let db: DuckDBEngine | undefined;
        const isNew = file !== ':memory:' && !existsSync(file);
        try {
          instance = await DuckDBInstance.create(file, config);
          // Holding the file for writing, no other process has it open: what DuckDB spilled in a
          // process that was killed is no one's.
          if (!options.readOnly && file !== ':memory:') removeSpillLeftovers(file);
          const conn = await instance.connect();
          db = new DuckDBEngine(file, instance, conn, logger);
          db.memoryLimit = memory;
          if (options.memorySetting) db.memorySetting = options.memorySetting;
          if (!options.readOnly) {
            await db.applySchema();
            await dropSideTables(db); // left by a full load killed between its two transactions
            // A database made before a kept column of customers (reachable flags, lookups) gets it once.
            // In one transaction: numbering the events may write mail_events again (customer-numbers.ts;
            // at 1x 20 s, once).
            if (await keptCustomerColumnsMissing(db)) {
              if ((await db.all('SELECT 1 FROM mail_events LIMIT 1')).length > 0) {
                logger.info({ path: file }, 'bringing a database made by an earlier version up to date (once; about 20 s for 27 million mail events)');
              }
              await db.transaction(() => refreshKeptCustomerColumns(db!));
            }
            // A schema change (a column added by a newer version) goes to the file at once: DuckDB
            // cannot replay from its write-ahead log an ALTER TABLE of a table whose column defaults
            // to a sequence (job_runs), so a process killed before its next checkpoint would leave a
            // database no one can open. With nothing to write, this costs nothing.
            await conn.run('CHECKPOINT');
          }
          await db.registerFunctions();
          return db;
        } catch (error) {
          if (db) db.close();
          else {
            instance?.closeSync();
            openInThisProcess.delete(file);
          }
          // DuckDBInstance.create reports a full disk in its own words (statements: translated).
          const failure = (error instanceof Error && !(error instanceof DiskFullError) && diskFullOf(error.message)) || error;
          // A database this opening began on a disk that filled is removed: an empty file would
          // later read as a damaged database. (Only then: after any other failure the file may be
          // another process's, begun in between.)
          if (isNew && failure instanceof DiskFullError) for (const made of [file, `${file}.wal`]) rmSync(made, { force: true });
          throw failure;
        }
      } catch (e) {
        if (!isLockError(e) && !(e instanceof OpenInThisProcess)) {
          if (options.memoryLimit && e instanceof Error && /Failed to set config/i.test(e.message)) {
            throw new KumiwakeError('bad-setting', `${options.memorySetting ?? 'the memory limit'}="${options.memoryLimit}" is not a memory size DuckDB reads (for example 400MB or 2GB)`, 2);
          }
          if (options.readOnly && e instanceof Error && /does not exist|Cannot open database/i.test(e.message)) {
            throw new KumiwakeError('database-missing', `no database at ${file}: import data first`, 2);
          }
          if (isInvalidDatabaseError(e)) throw notADatabase(file, 'an empty or damaged file');
          throw e;
        }
        const holder = e instanceof OpenInThisProcess ? 'this process (an earlier opening not yet closed)' : lockHolder((e as Error).message);
        const waited = Date.now() - started;
        if (waited >= timeout) throw new DatabaseBusyError(file, waited, holder);
        if (!warned) {
          warned = true;
          (options.onWait ?? ((path: string) => logger.warn({ path, holder }, 'database in use by another process; waiting')))(file, holder);
        }
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** Math.min(attempt, 4), 1000)));
      }
    }
  }

  private async applySchema(): Promise<void> {
    await this.conn.run(readFileSync(SCHEMA_FILE, 'utf8'));
  }

  /** Text folding for segment conditions (see dialect/duckdb.ts), and progress tracking. */
  private async registerFunctions(): Promise<void> {
    this.conn.registerScalarFunction(
      DuckDBScalarFunction.create({
        name: 'kumiwake_nfkc',
        returnType: VARCHAR,
        parameterTypes: [VARCHAR],
        mainFunction: (_info, input, output) => {
          const vector = input.getColumnVector(0);
          for (let row = 0; row < input.rowCount; row++) {
            const value = vector.getItem(row);
            output.setItem(row, value === null ? null : String(value).normalize('NFKC').toLowerCase());
          }
          output.flush();
        },
      }),
    );
    await this.conn.run(FOLD_MACRO_SQL);
    // Let DuckDB track query progress (polled for our own progress bars), without printing its own.
    await this.conn.run('SET enable_progress_bar = true');
    await this.conn.run('SET enable_progress_bar_print = false');
    await this.conn.run('SET progress_bar_time = 0');
  }

  /** Sets a mark in schema_info (e.g. 'sample_data': the database holds the sample shop). */
  async setSchemaMark(key: string, value = '1'): Promise<void> {
    await this.run('INSERT OR REPLACE INTO schema_info VALUES ($1, $2)', [key, value]);
  }

  /** Whether schema_info holds `key` (a mark such as 'purchase_summaries': derived tables are built). */
  async hasSchemaMark(key: string): Promise<boolean> {
    return (await this.all('SELECT 1 FROM schema_info WHERE key = $1', [key])).length > 0;
  }

  kysely(): Kysely<Tables> {
    this.kyselyInstance ??= kyselyFor(this);
    return this.kyselyInstance;
  }

  private kyselyInstance: Kysely<Tables> | undefined;

  /** Whether a table exists (a database made by an older version, opened read-only, may lack one). */
  async hasTable(name: string): Promise<boolean> {
    const rows = await this.all('SELECT 1 FROM information_schema.tables WHERE table_name = $1', [name]);
    return rows.length > 0;
  }

  /** Runs a compiled query (Kysely's `{sql, parameters}`); JS arrays bind as DuckDB lists. */
  async query<T = Record<string, unknown>>(compiled: CompiledQuery): Promise<T[]> {
    const values = compiled.parameters.map((p) => (Array.isArray(p) ? listValue(p as DuckDBValue[]) : (p as DuckDBValue)));
    return this.all<T>(compiled.sql, values);
  }

  /** Rows of `sql` as JS column arrays, one DuckDB chunk (~2,048 rows) at a time. */
  async *stream(sql: string, signal?: AbortSignal): AsyncGenerator<unknown[][]> {
    const result = await this.translated(() => this.conn.stream(sql), sql);
    for (;;) {
      if (signal?.aborted) throw new InterruptedError(String(signal.reason));
      const chunk = await this.translated(() => result.fetchChunk(), sql);
      if (!chunk || chunk.rowCount === 0) return;
      yield chunk.convertColumns(JSDuckDBValueConverter);
    }
  }

  interrupt(): void {
    this.conn.interrupt();
  }

  /** DuckDB's estimate of the running statement's progress, 0..100, or -1 when it has none. */
  get progressPercentage(): number {
    return this.conn.progress.percentage;
  }

  async introspect(): Promise<ColumnInfo[]> {
    const rows = await this.all<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`,
    );
    return rows.map((r) => ({ table: r.table_name, column: r.column_name, type: r.data_type }));
  }

  async run(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<void> {
    await this.translated(() => this.conn.run(sql, params), sql, params);
  }

  /** Runs a statement and returns how many rows it inserted, updated or deleted. */
  async change(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<number> {
    return (await this.translated(() => this.conn.run(sql, params), sql, params)).rowsChanged;
  }

  /** Rows as plain JS objects (BIGINT as bigint, TIMESTAMP as Date, DECIMAL as number). */
  async all<T = Record<string, unknown>>(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<T[]> {
    const reader = await this.translated(() => this.conn.runAndReadAll(sql, params), sql, params);
    return reader.getRowObjectsJS() as T[];
  }

  /** The setting a user raises when this database runs out of memory (exports have their own). */
  memorySetting = 'memoryLimit';
  /** DuckDB's memory limit now, as the user wrote it (for messages). */
  memoryLimit = '';

  /**
   * DuckDB's out-of-memory error becomes a sentence naming the limit and the setting to raise;
   * any other failure a QueryError carrying the statement and its parameters.
   */
  private async translated<T>(work: () => Promise<T>, sql: string, params?: unknown): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (e instanceof Error && SPILL_FOLDER_FULL.test(e.message)) {
        this.logger.debug({ err: e, sql: sql.slice(0, 2000) }, 'DuckDB could not spill: its folder is at its size limit');
        throw new DiskFullError(this.spillFolder);
      }
      if (e instanceof Error && isOutOfMemory(e.message)) {
        this.logger.warn({ err: e, sql: sql.slice(0, 2000) }, 'DuckDB ran out of memory');
        throw new OutOfMemoryError(this.memoryLimit, this.memorySetting);
      }
      const diskFull = e instanceof Error ? diskFullOf(e.message) : undefined;
      if (diskFull) {
        // The sentence names the file; the statement is for a debug log only.
        this.logger.debug({ err: e, sql: sql.slice(0, 2000) }, 'DuckDB found no space left on the device');
        throw diskFull;
      }
      if (e instanceof Error && !(e instanceof QueryError)) {
        const parameters = params === undefined ? [] : Array.isArray(params) ? params : [params];
        throw new QueryError(e.message, sql, parameters, { cause: e });
      }
      throw e;
    }
  }

  /**
   * Writes a query's rows to a file with DuckDB's own writers: CSV (RFC 4180, a header line, CRLF
   * line ends) or Parquet (zstd); an abort interrupts it, progress is reported as 0..1.
   */
  async copyToFile(select: string, path: string, format: 'csv' | 'parquet', signal: AbortSignal | undefined, onProgress: (fraction: number) => void): Promise<void> {
    const options = format === 'csv' ? `FORMAT csv, HEADER true, NEW_LINE '\r\n'` : 'FORMAT parquet, COMPRESSION zstd';
    try {
      await this.runInterruptible(`COPY (${select}) TO ${sqlString(path)} (${options})`, signal, onProgress);
    } catch (e) {
      // The file system refused (no space, no permission): the reason, without the path (the
      // caller names the file it was asked for, not the temp file it writes first). A full disk
      // elsewhere (the spill folder, the database's log) stays a DiskFullError naming that place.
      if (e instanceof DiskFullError && e.path === path) throw new KumiwakeError('file-write-failed', 'no space left on the device (ENOSPC)', 1);
      if (e instanceof QueryError && /^IO Error\b/.test(e.message)) {
        const reason = e.message.split(/:\s*/).filter((part) => !part.includes(path) && !/^IO Error$/.test(part)).at(-1);
        throw new KumiwakeError('file-write-failed', reason ?? 'the file system refused', 1);
      }
      throw e;
    }
  }

  /**
   * Runs a long statement (an export's COPY) that an abort signal interrupts inside DuckDB,
   * reporting DuckDB's own progress estimate (0..1) as it goes.
   */
  async runInterruptible(sql: string, signal: AbortSignal | undefined, onProgress: (fraction: number) => void): Promise<void> {
    const interrupt = () => this.conn.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    const timer = setInterval(() => {
      const percentage = this.conn.progress.percentage;
      if (percentage >= 0) onProgress(percentage / 100);
    }, 250);
    try {
      if (signal?.aborted) throw new InterruptedError(String(signal.reason));
      await this.run(sql);
      onProgress(1);
    } catch (e) {
      if (signal?.aborted) throw new InterruptedError(String(signal.reason));
      throw e;
    } finally {
      clearInterval(timer);
      signal?.removeEventListener('abort', interrupt);
    }
  }

  /**
   * Runs `work` with DuckDB's memory limit lowered (or raised) to `limit`, then puts it back;
   * running out of memory meanwhile names `setting` as the one to raise.
   */
  async withMemoryLimit<T>(limit: string, work: () => Promise<T>, setting = this.memorySetting): Promise<T> {
    const outer = { setting: this.memorySetting, limit: this.memoryLimit };
    await this.conn.run(`SET memory_limit = ${sqlString(limit)}`).catch((error: unknown) => {
      // A limit given in a setting (KUMIWAKE_EXPORT_MEMORY_LIMIT=abc) is the user's to fix, by name.
      if (error instanceof Error && /memory/i.test(error.message)) {
        throw new KumiwakeError('bad-setting', `${setting ?? 'the memory limit'}="${limit}" is not a memory size DuckDB reads (for example 400MB or 2GB)`, 2);
      }
      throw error;
    });
    this.memorySetting = setting;
    this.memoryLimit = limit;
    let failed = true;
    try {
      const result = await work();
      failed = false;
      return result;
    } finally {
      this.memorySetting = outer.setting;
      this.memoryLimit = outer.limit;
      await this.conn.run(`SET memory_limit = ${sqlString(outer.limit)}`).catch((error: unknown) => {
        // A statement that failed inside a transaction aborts it, and DuckDB takes no SET until
        // the rollback: the limit is put back after it (transaction()), and the failure that
        // matters, `work`'s (out of memory, naming the setting), is the one thrown.
        if (!failed) throw error;
        this.memoryLimitAfterRollback = outer.limit;
      });
    }
  }

  /** The memory limit withMemoryLimit could not put back in an aborted transaction. */
  private memoryLimitAfterRollback: string | undefined;

  /**
   * Runs `work` on at most `threads` threads, then puts the setting back. DuckDB buffers a block
   * per column for every thread appending to a table, so a wide table's insert needs a thread count
   * that fits the memory limit (see import/CONTEXT.md).
   */
  async withThreads<T>(threads: number, work: () => Promise<T>): Promise<T> {
    const [current] = await this.all<{ threads: bigint | number }>("SELECT current_setting('threads') AS threads");
    const outer = Number(current!.threads);
    if (outer <= threads) return work();
    await this.conn.run(`SET threads = ${Math.floor(threads)}`);
    try {
      return await work();
    } finally {
      await this.conn.run(`SET threads = ${outer}`);
    }
  }

  /** Runs `work` in one transaction: all of it commits, or none of it does. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.conn.run('BEGIN TRANSACTION');
    let result: T;
    try {
      result = await work();
    } catch (e) {
      try {
        await this.conn.run('ROLLBACK');
      } catch (rollbackError) {
        this.logger.warn({ err: rollbackError }, 'rollback failed');
      }
      const limit = this.memoryLimitAfterRollback;
      this.memoryLimitAfterRollback = undefined;
      if (limit !== undefined) await this.conn.run(`SET memory_limit = ${sqlString(limit)}`);
      throw e;
    }
    // A commit that fails (out of memory while writing a wide file's rows) leaves no transaction
    // to roll back: DuckDB has rolled it back itself.
    await this.translated(() => this.conn.run('COMMIT'), 'COMMIT');
    return result;
  }

  private closed = false;

  get isOpen(): boolean {
    return !this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.conn.closeSync();
      this.instance.closeSync();
    } finally {
      openInThisProcess.delete(this.path);
    }
  }
}
