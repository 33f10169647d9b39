/**
 * ClickHouse as Kumiwake's engine, for the library's users and the CLI: `initClickHouse` creates
 * the database and tables on one server or on every shard of a cluster (`kumiwake cluster
 * init`), `importToClickHouse` imports files into it. The engine setting is
 * `clickhouse://HOST:8123/DATABASE?cluster=NAME` (src/engine/clickhouse/CONTEXT.md).
 */
import { join } from 'node:path';
import { tablesByCliName } from '../catalog/tables.js';
import { KumiwakeError } from '../errors.js';
import { isClickHouseSetting, parseClickHouseUrl } from '../engine/clickhouse/address.js';
import { ClickHouseCluster } from '../engine/clickhouse/cluster.js';
import { ClickHouseEngine } from '../engine/clickhouse/engine.js';
import { importIntoClickHouse } from '../engine/clickhouse/import.js';
import type { ImportResult } from '../engine/duckdb/import/run-import.js';
import type { Logger } from '../logger.js';
import type { ProgressReporter } from '../progress.js';
import type { ImportRequest } from './types.js';

export { isClickHouseSetting };

export interface ClickHouseInitResult {
  /** the engine setting without a password */
  readonly engine: string;
  readonly database: string;
  readonly cluster: string | null;
  /** each shard: its number, the native address the cluster names and the HTTP address Kumiwake uses */
  readonly shards: ReadonlyArray<{ readonly shard: number; readonly native: string; readonly http: string }>;
  readonly tables: readonly string[];
}

/**
 * Creates the database and Kumiwake's tables (idempotent): without a cluster on the server of the
 * setting; with one, local tables on every shard of `system.clusters` and Distributed tables over
 * them. `settingName` is how the user gave the setting (`--engine`, `KUMIWAKE_ENGINE`), for messages.
 */
export async function initClickHouse(setting: string, options: { settingName?: string } = {}): Promise<ClickHouseInitResult> {
  const address = parseClickHouseUrl(setting, options.settingName);
  const cluster = await ClickHouseCluster.connect(address, { create: true });
  const tables = await cluster.createTables();
  return {
    engine: `clickhouse://${address.host}:${address.port}/${address.database}${address.cluster ? `?cluster=${address.cluster}` : ''}`,
    database: address.database,
    cluster: address.cluster ?? null,
    shards: cluster.shards.map((s) => ({ shard: s.number, native: s.native, http: s.server.origin })),
    tables,
  };
}

/**
 * The local DuckDB file holding Kumiwake's own tables (saved segments, jobs, imports) for a
 * ClickHouse engine: `db` when given, else `data/clickhouse-HOST-PORT-DATABASE.duckdb`.
 */
export function clickHouseStateFile(setting: string, db?: string): string {
  if (db) return db;
  const a = parseClickHouseUrl(setting);
  return join('data', `clickhouse-${a.host.replace(/[^A-Za-z0-9.-]/g, '_')}-${a.port}-${a.database}.duckdb`);
}

export interface ClickHouseImportOptions {
  /** the engine setting */
  readonly engine: string;
  readonly settingName?: string;
  /** the own-tables file (default: clickHouseStateFile) */
  readonly db?: string;
  readonly tz?: string;
  readonly logger?: Logger;
  readonly progress?: ProgressReporter;
  readonly decodeDir?: string;
  readonly signal?: AbortSignal;
}

/** Imports files into a ClickHouse engine's table, as `workspace.import` does into DuckDB. */
export async function importToClickHouse(options: ClickHouseImportOptions, request: ImportRequest): Promise<ImportResult> {
  const table = Object.hasOwn(tablesByCliName, request.table) ? tablesByCliName[request.table]
    : Object.values(tablesByCliName).find((t) => t.table === request.table);
  if (!table) throw new KumiwakeError('bad-argument', `unknown table ${request.table} (expected ${Object.keys(tablesByCliName).join(', ')})`);
  const engine = await ClickHouseEngine.open(options.engine, {
    stateFile: clickHouseStateFile(options.engine, options.db), setting: options.settingName, logger: options.logger,
  });
  try {
    return await importIntoClickHouse(engine, {
      table, files: request.files, encoding: request.encoding, mode: request.mode, mappingFile: request.mapping, maxRejects: request.maxRejects,
      delimiter: request.delimiter, allowEmpty: request.allowEmpty, progress: request.progress ?? options.progress, logger: options.logger,
      decodeDir: options.decodeDir, signal: request.signal ?? options.signal, tz: options.tz,
    });
  } finally {
    engine.close();
  }
}
