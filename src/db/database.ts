import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBConnection, DuckDBInstance, DuckDBScalarFunction, VARCHAR, listValue, type DuckDBValue } from '@duckdb/node-api';
import { FOLD_MACRO_SQL } from '../dialect/duckdb/fold.js';
import { DatabaseBusyError, KumiwakeError, OutOfMemoryError } from '../errors.js';
import { InterruptedError } from '../interrupt.js';
import { log } from '../log.js';
import { sqlString } from './sql-text.js';

export const DEFAULT_DB_PATH = 'data/kumiwake.duckdb';
const SCHEMA_FILE = new URL('../../sql/schema.sql', import.meta.url);

export interface OpenOptions {
  /** open without writing; several read-only processes may share a file, but not with a writer */
  readonly readOnly?: boolean;
  /** how long to wait for another process to release the file (default KUMIWAKE_LOCK_TIMEOUT, 60 s) */
  readonly lockTimeoutMs?: number;
  /** called once when the file is busy and we start waiting */
  readonly onWait?: (path: string) => void;
}

export function defaultDbPath(): string {
  return process.env.KUMIWAKE_DB || DEFAULT_DB_PATH;
}

function lockTimeoutFromEnv(): number {
  const seconds = Number(process.env.KUMIWAKE_LOCK_TIMEOUT ?? '60');
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 60_000;
}

const isLockError = (e: unknown): boolean => e instanceof Error && /Could not set lock on file|Conflicting lock is held/i.test(e.message);

/** One open DuckDB database with a single connection. */
export class Database {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  /**
   * Opens (and on first use creates) a database file. DuckDB lets one process write a file at a
   * time; when another process holds it we wait, bounded, and then give a clear "busy" error.
   */
  static async open(path: string, options: OpenOptions = {}): Promise<Database> {
    const file = path === ':memory:' ? path : resolve(path);
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const timeout = options.lockTimeoutMs ?? lockTimeoutFromEnv();
    const started = Date.now();
    let warned = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const config: Record<string, string> = {};
        if (options.readOnly) config.access_mode = 'READ_ONLY';
        // Imports stay well under 1 GB of process memory (DuckDB allocates some beyond its limit);
        // read-only work (counts) may use more for its hash tables.
        const memory = process.env.KUMIWAKE_MEMORY_LIMIT || (options.readOnly ? '1GB' : '400MB');
        config.memory_limit = memory;
        // A new database file is written in the newest storage format of the DuckDB we ship
        // (readable by DuckDB 1.5 and later): its string compression (DICT_FSST) is analysed in one
        // pass instead of two, which makes a large import about a fifth faster. An existing file
        // keeps the format it was made with.
        config.storage_compatibility_version = 'latest';
        const instance = await DuckDBInstance.create(file, config);
        const conn = await instance.connect();
        const db = new Database(file, instance, conn);
        db.memoryLimit = memory;
        if (!options.readOnly) await db.applySchema();
        await db.registerFunctions();
        return db;
      } catch (e) {
        if (!isLockError(e)) {
          if (process.env.KUMIWAKE_MEMORY_LIMIT && e instanceof Error && /Failed to set config/i.test(e.message)) {
            throw new KumiwakeError('bad-setting', `KUMIWAKE_MEMORY_LIMIT="${process.env.KUMIWAKE_MEMORY_LIMIT}" is not a memory size DuckDB reads (for example 400MB or 2GB)`, 2);
          }
          if (options.readOnly && e instanceof Error && /does not exist|Cannot open database/i.test(e.message)) {
            throw new KumiwakeError('database-missing', `no database at ${file}: import data first`, 2);
          }
          throw e;
        }
        const waited = Date.now() - started;
        if (waited >= timeout) throw new DatabaseBusyError(file, waited);
        if (!warned) {
          warned = true;
          (options.onWait ?? defaultOnWait)(file);
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

  /** Whether schema_info holds `key` (a mark such as 'purchase_summaries': derived tables are built). */
  async hasSchemaMark(key: string): Promise<boolean> {
    return (await this.all('SELECT 1 FROM schema_info WHERE key = $1', [key])).length > 0;
  }

  /** Whether a table exists (a database made by an older version, opened read-only, may lack one). */
  async hasTable(name: string): Promise<boolean> {
    const rows = await this.all('SELECT 1 FROM information_schema.tables WHERE table_name = $1', [name]);
    return rows.length > 0;
  }

  /** Runs a compiled query (Kysely's `{sql, parameters}`); JS arrays bind as DuckDB lists. */
  async query<T = Record<string, unknown>>(compiled: { readonly sql: string; readonly parameters: readonly unknown[] }): Promise<T[]> {
    const values = compiled.parameters.map((p) => (Array.isArray(p) ? listValue(p as DuckDBValue[]) : (p as DuckDBValue)));
    return this.all<T>(compiled.sql, values);
  }

  async run(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<void> {
    await this.translated(() => this.conn.run(sql, params), sql);
  }

  /** Runs a statement and returns how many rows it inserted, updated or deleted. */
  async change(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<number> {
    return (await this.translated(() => this.conn.run(sql, params), sql)).rowsChanged;
  }

  /** Rows as plain JS objects (BIGINT as bigint, TIMESTAMP as Date, DECIMAL as number). */
  async all<T = Record<string, unknown>>(sql: string, params?: DuckDBValue[] | Record<string, DuckDBValue>): Promise<T[]> {
    const reader = await this.translated(() => this.conn.runAndReadAll(sql, params), sql);
    return reader.getRowObjectsJS() as T[];
  }

  /** The setting a user raises when this database runs out of memory (exports have their own). */
  memorySetting = 'KUMIWAKE_MEMORY_LIMIT';
  /** DuckDB's memory limit now, as the user wrote it (for messages). */
  memoryLimit = '';

  /** DuckDB's out-of-memory error becomes a sentence naming the limit and the setting to raise. */
  private async translated<T>(work: () => Promise<T>, sql?: string): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (e instanceof Error && /^Out of Memory Error/.test(e.message)) {
        log.warn({ err: e, sql: sql?.slice(0, 2000) }, 'DuckDB ran out of memory');
        throw new OutOfMemoryError(this.memoryLimit, this.memorySetting);
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
    await this.conn.run(`SET memory_limit = ${sqlString(limit)}`);
    this.memorySetting = setting;
    this.memoryLimit = limit;
    try {
      return await work();
    } finally {
      this.memorySetting = outer.setting;
      this.memoryLimit = outer.limit;
      await this.conn.run(`SET memory_limit = ${sqlString(outer.limit)}`);
    }
  }

  /** Runs `work` in one transaction: all of it commits, or none of it does. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.conn.run('COMMIT');
      return result;
    } catch (e) {
      try {
        await this.conn.run('ROLLBACK');
      } catch (rollbackError) {
        log.warn({ err: rollbackError }, 'rollback failed');
      }
      throw e;
    }
  }

  private closed = false;

  get isOpen(): boolean {
    return !this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

function defaultOnWait(path: string): void {
  process.stderr.write(`database ${path} is in use by another kumiwake process; waiting for it...\n`);
}
