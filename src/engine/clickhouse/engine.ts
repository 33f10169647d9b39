import { createWriteStream, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { KumiwakeError } from '../../errors.js';
import { InterruptedError } from '../../interrupt.js';
import { silentLogger, type Logger } from '../../logger.js';
import { chIdent, chString } from '../../dialect/clickhouse/literal.js';
import { inlineParameters } from '../../dialect/clickhouse/inline.js';
import { sqlIdent, sqlString } from '../../dialect/duckdb/sql-text.js';
import { DuckDBEngine } from '../duckdb/engine.js';
import type { ColumnInfo, CompiledQuery, Engine, OutputKinds } from '../engine.js';
import type { Tables } from '../tables.js';
import { httpOrigin, parseClickHouseUrl, type ClickHouseAddress } from './address.js';
import { ClickHouseCluster } from './cluster.js';
import { clickHouseTables, type Layout } from './schema.js';
import { recoverImports } from './import.js';

export interface ClickHouseOpenOptions {
  /**
   * The local DuckDB file holding Kumiwake's own tables (saved segments, jobs and their runs,
   * imports, settings): see CONTEXT.md for why they are not in ClickHouse.
   */
  readonly stateFile: string;
  readonly readOnly?: boolean;
  readonly logger?: Logger;
  /** how the user gave the setting, for messages (`--engine`, `KUMIWAKE_ENGINE`) */
  readonly setting?: string;
  /** per-statement memory limit on the servers (`max_memory_usage`), e.g. '4GB' */
  readonly memoryLimit?: string;
  readonly memorySetting?: string;
}

/** '400MB', '2GB', '1.5 GiB' as bytes, or undefined. */
export function memoryBytes(limit: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|KIB|MB|MIB|GB|GIB|TB|TIB)?\s*$/i.exec(limit);
  if (!match) return undefined;
  const unit = (match[2] ?? 'B').toUpperCase().replace('I', '');
  const power = { B: 0, KB: 1, MB: 2, GB: 3, TB: 4 }[unit as 'B']!;
  return Math.round(Number(match[1]) * 1024 ** power);
}

/**
 * Kumiwake on ClickHouse: the data tables on one server or on the shards of a cluster, the own
 * tables in a small local DuckDB file (`state`). Statements arrive as every dialect compiles
 * them, with `$n` parameters, which are written in here by the dialect's `inlineParameters` (the
 * audited literal function: 18.16 has no query parameters).
 */
export class ClickHouseEngine implements Engine {
  readonly dialectName = 'clickhouse';
  /** the cluster's name, when the data is sharded (what `localTableName(engine, table)` reads) */
  readonly cluster?: string;
  private settings: Record<string, string | number> = {};
  private memorySetting: string;
  private memoryLimit = '';
  private readonly aborts = new Set<AbortController>();

  private constructor(
    readonly servers: ClickHouseCluster,
    /** Kumiwake's own tables */
    readonly state: DuckDBEngine,
    readonly logger: Logger,
    options: ClickHouseOpenOptions,
  ) {
    if (servers.address.cluster) this.cluster = servers.address.cluster;
    this.memorySetting = options.memorySetting ?? 'memoryLimit';
  }

  /**
   * Connects to the server (and the shards) of `setting` and opens the own-tables file. The data
   * tables must exist (`kumiwake cluster init` makes them); a missing one is a sentence.
   */
  static async open(setting: string | ClickHouseAddress, options: ClickHouseOpenOptions): Promise<ClickHouseEngine> {
    const address = typeof setting === 'string' ? parseClickHouseUrl(setting, options.setting) : setting;
    const servers = await ClickHouseCluster.connect(address);
    const missing: string[] = [];
    for (const table of clickHouseTables()) {
      const [exists] = await servers.coordinator.rows<{ result: number }>(`EXISTS TABLE ${chIdent(address.database)}.${chIdent(table.name)}`);
      if (!exists || Number(exists.result) !== 1) missing.push(table.name);
    }
    if (missing.length > 0) {
      throw new KumiwakeError('cluster-not-initialised',
        `ClickHouse at ${httpOrigin(address)} has no table ${missing.join(', ')} in database "${address.database}": run kumiwake cluster init`, 2);
    }
    const state = await DuckDBEngine.open(options.stateFile, { readOnly: options.readOnly, logger: options.logger });
    const engine = new ClickHouseEngine(servers, state, options.logger ?? silentLogger, options);
    if (options.memoryLimit) await engine.setMemoryLimit(options.memoryLimit);
    // Holding the state file to write, no other process is importing: an import left running or
    // committing by a killed process is rolled back or finished now (import.ts).
    if (!options.readOnly) await recoverImports(engine);
    return engine;
  }

  get layout(): Layout {
    return this.servers.layout;
  }

  get location(): string {
    const a = this.servers.address;
    return `clickhouse://${a.host}:${a.port}/${a.database}${a.cluster ? `?cluster=${a.cluster}` : ''}`;
  }

  async query<T = Record<string, unknown>>(compiled: CompiledQuery): Promise<T[]> {
    return this.tracked((signal) => this.servers.coordinator.rows<T>(inlineParameters(compiled.sql, compiled.parameters), { settings: this.settings, signal }));
  }

  async *stream(sql: string, signal?: AbortSignal): AsyncGenerator<unknown[][]> {
    const controller = new AbortController();
    const stop = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', stop, { once: true });
    this.aborts.add(controller);
    try {
      yield* this.servers.coordinator.columns(sql, 2048, controller.signal);
    } catch (e) {
      if (signal?.aborted) throw new InterruptedError(String(signal.reason));
      throw e;
    } finally {
      // A reader that stops early leaves the answer unread: close the request, and the server's query with it.
      controller.abort('done');
      this.aborts.delete(controller);
      signal?.removeEventListener('abort', stop);
    }
  }

  /**
   * The own tables' transaction (the local DuckDB): ClickHouse has none. Work that writes data
   * tables (imports) is made atomic by the import itself (CONTEXT.md).
   */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.state.transaction(work);
  }

  interrupt(): void {
    for (const controller of this.aborts) controller.abort('interrupted');
    void this.servers.eachShard((shard) => shard.server.killRunning());
    void this.servers.coordinator.killRunning();
    this.state.interrupt();
  }

  async introspect(): Promise<ColumnInfo[]> {
    const rows = await this.servers.coordinator.rows<{ table: string; name: string; type: string }>(
      `SELECT table, name, type FROM system.columns WHERE database = ${chString(this.layout.database)} ORDER BY table`);
    const tables = new Set(clickHouseTables().map((t) => t.name as string));
    // The import's own columns are not the data's: `_import_id`, and the folded copy `X_folded` of a column X.
    const named = new Set(rows.map((r) => `${r.table}.${r.name}`));
    const internal = (r: { table: string; name: string }) =>
      r.name === '_import_id' || (r.name.endsWith('_folded') && named.has(`${r.table}.${r.name.slice(0, -'_folded'.length)}`));
    return rows.filter((r) => tables.has(r.table) && !internal(r)).map((r) => ({ table: r.table, column: r.name, type: r.type }));
  }

  async hasTable(name: string): Promise<boolean> {
    if (!clickHouseTables().some((t) => t.name === name)) return this.state.hasTable(name);
    const [exists] = await this.servers.coordinator.rows<{ result: number }>(`EXISTS TABLE ${chIdent(this.layout.database)}.${chIdent(name)}`);
    return Number(exists?.result) === 1;
  }

  kysely(): Kysely<Tables> {
    return this.state.kysely();
  }

  hasSchemaMark(key: string): Promise<boolean> {
    return this.state.hasSchemaMark(key);
  }

  setSchemaMark(key: string, value?: string): Promise<void> {
    return this.state.setSchemaMark(key, value);
  }

  /**
   * A query's rows to a file: ClickHouse writes them as CSV (streamed to a temporary file beside
   * the target), and the local DuckDB's writers write the file, so CSV and Parquet come out as
   * the DuckDB engine writes them.
   */
  async copyToFile(select: string, path: string, format: 'csv' | 'parquet', signal: AbortSignal | undefined, onProgress: (fraction: number) => void, kinds: OutputKinds = {}): Promise<void> {
    const temp = join(dirname(path), `.kumiwake-clickhouse-${process.pid}-${Date.now()}.csv`);
    try {
      let header: { names: string[]; types: string[] } | undefined;
      const batches = this.servers.coordinator.columns(select, 2048, signal, (names, types) => (header = { names, types }));
      await pipeline(Readable.from(csvChunks(batches, () => header!.names)), createWriteStream(temp));
      if (!header) throw new Error('INTERNAL ERROR: ClickHouse answered without a header');
      const { names, types } = header as { names: string[]; types: string[] };
      onProgress(0.5);
      // An empty answer wrote nothing: the header line alone.
      if (statSync(temp).size === 0) writeFileSync(temp, `${names.map(csvCell).join(',')}\n`);
      const columns = names.map((n, i) => `${sqlString(n)}: ${sqlString(duckType(types[i]!))}`).join(', ');
      // Read back as the types DuckDB's own export writes: days, yes/no, and a list of text
      // (an array arrives as JSON; none is NULL, as DuckDB stores a customer without tags).
      const typed = names.map((n, i) => {
        const x = sqlIdent(n);
        if (kinds[n] === 'date') return `CAST(${x} AS DATE) AS ${x}`;
        if (kinds[n] === 'boolean') return `CAST(${x} AS BOOLEAN) AS ${x}`;
        if (/^(Nullable\()?Array\(/.test(types[i]!)) return `CASE WHEN ${x} IS NULL OR ${x} = '[]' THEN NULL ELSE from_json(${x}, '["VARCHAR"]') END AS ${x}`;
        return x;
      });
      await this.state.copyToFile(`SELECT ${typed.join(', ')} FROM read_csv(${sqlString(temp)}, header = true, quote = '"', escape = '"', nullstr = '\\N', columns = {${columns}})`,
        path, format, signal, (f) => onProgress(0.5 + f / 2));
    } catch (e) {
      if (signal?.aborted) throw new InterruptedError(String(signal.reason));
      throw e;
    } finally {
      rmSync(temp, { force: true });
    }
  }

  async withMemoryLimit<T>(limit: string, work: () => Promise<T>, setting = this.memorySetting): Promise<T> {
    const outer = { settings: this.settings, setting: this.memorySetting, limit: this.memoryLimit };
    await this.setMemoryLimit(limit, setting);
    try {
      return await work();
    } finally {
      this.settings = outer.settings;
      this.memorySetting = outer.setting;
      this.memoryLimit = outer.limit;
    }
  }

  private async setMemoryLimit(limit: string, setting = this.memorySetting): Promise<void> {
    const bytes = memoryBytes(limit);
    if (bytes === undefined) throw new KumiwakeError('bad-setting', `${setting}="${limit}" is not a memory size (for example 400MB or 2GB)`, 2);
    this.settings = { ...this.settings, max_memory_usage: bytes };
    this.memorySetting = setting;
    this.memoryLimit = limit;
  }

  private async tracked<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.aborts.add(controller);
    try {
      return await work(controller.signal);
    } catch (e) {
      if (controller.signal.aborted) throw new InterruptedError('interrupted');
      if (e instanceof Error && /Code: 241\b/.test(e.message)) {
        throw new KumiwakeError('out-of-memory',
          `out of memory: the statement needed more than ClickHouse's limit${this.memoryLimit ? ` of ${this.memoryLimit}` : ''} (max_memory_usage). Nothing was changed. Raise it with ${this.memorySetting} and run the command again.`, 1);
      }
      // 18.16's Decimal64 holds 14 digits before the point (RFM's sales): said, not an internal error.
      if (e instanceof Error && /Code: 407\b/.test(e.message)) {
        throw new KumiwakeError('figure-too-large',
          "a figure is too large for ClickHouse 18.16's decimals (a sum of 100,000,000,000,000 or more, as a customer's lifetime sales in RFM scores): nothing was changed; on DuckDB the same count holds such sums", 1);
      }
      throw e;
    } finally {
      this.aborts.delete(controller);
    }
  }

  close(): void {
    for (const controller of this.aborts) controller.abort('closed');
    this.state.close();
  }
}

/** The ClickHouse engine itself, or the one an engine in front of it stands for (a job run's, src/api/clickhouse-job-engine.ts). */
export const clickhouseEngineOf = (db: Engine): ClickHouseEngine => ((db as { data?: ClickHouseEngine }).data ?? db) as ClickHouseEngine;

/** CSV text of column batches: RFC 4180 quoting, `\N` for NULL (read back by DuckDB's reader). */
async function* csvChunks(batches: AsyncGenerator<unknown[][]>, names: () => string[]): AsyncGenerator<string> {
  let header = false;
  for await (const vectors of batches) {
    let text = '';
    if (!header) {
      header = true;
      text += `${names().map(csvCell).join(',')}\n`;
    }
    const rows = vectors[0]?.length ?? 0;
    for (let r = 0; r < rows; r++) text += `${vectors.map((v) => csvCell(v[r])).join(',')}\n`;
    yield text;
  }
}

const csvCell = (value: unknown): string => {
  if (value === null || value === undefined) return '\\N';
  const text = value instanceof Date ? value.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '') : Array.isArray(value) ? JSON.stringify(value) : String(value);
  return /[",\n\r\\]/.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The DuckDB type an exported ClickHouse column is read back as. */
function duckType(type: string): string {
  const inner = type.replace(/^Nullable\((.*)\)$/, '$1');
  if (/^U?Int(8|16|32)$/.test(inner)) return 'INTEGER';
  if (/^U?Int64$/.test(inner)) return 'BIGINT';
  if (/^Float/.test(inner)) return 'DOUBLE';
  if (/^Decimal\((\d+), *(\d+)\)$/.test(inner)) return inner.replace('Decimal', 'DECIMAL');
  if (inner.startsWith('DateTime')) return 'TIMESTAMP';
  if (inner === 'Date') return 'DATE';
  return 'VARCHAR';
}
