/**
 * Which engine a workspace opens: the DuckDB file `db`, or with `engine` (clickhouse://…) the
 * ClickHouse servers, with Kumiwake's own tables in the file `db` (src/engine/clickhouse/CONTEXT.md).
 */
import type { ClickHouseEngine } from '../engine/clickhouse/engine.js';
import { DuckDBEngine } from '../engine/duckdb/engine.js';
import type { ImportOptions, ImportResult } from '../engine/duckdb/import/run-import.js';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import type { WorkspaceOptions } from './types.js';

export async function openEngine(options: WorkspaceOptions, logger: Logger, readOnly = options.readOnly): Promise<Engine> {
  if (options.engine) {
    const { ClickHouseEngine } = await import('../engine/clickhouse/engine.js');
    return ClickHouseEngine.open(options.engine, {
      stateFile: options.db, readOnly, logger, setting: options.engineSetting,
      memoryLimit: options.memoryLimit, memorySetting: options.settingNames?.memoryLimit,
    });
  }
  return DuckDBEngine.open(options.db, {
    readOnly, lockTimeoutMs: options.lockTimeoutMs, onWait: options.onWait, memoryLimit: options.memoryLimit,
    memorySetting: options.settingNames?.memoryLimit, logger,
  });
}

/** The DuckDB file of an engine: the database itself, or a ClickHouse engine's own-tables file. */
export const stateFileOf = (db: Engine): DuckDBEngine => (db instanceof DuckDBEngine ? db : (db as ClickHouseEngine).state);

/** Imports into the open engine: DuckDB's loader, or part A's ClickHouse import (checked by the same loader, landing whole). */
export async function importInto(db: Engine, options: ImportOptions): Promise<ImportResult> {
  if (db instanceof DuckDBEngine) return (await import('../engine/duckdb/import/run-import.js')).importFiles(db, options);
  return (await import('../engine/clickhouse/import.js')).importIntoClickHouse(db as ClickHouseEngine, options);
}

/**
 * The engine a job run is given: the DuckDB engine itself, or on ClickHouse one in front of it
 * whose plain statements go to the state file (clickhouse-job-engine.ts); one per engine, so the
 * members table it keeps on the server is dropped with the engine's (`dropServerMembers`).
 */
const jobEngines = new WeakMap<Engine, Engine>();
export async function jobEngineOf(db: Engine): Promise<Engine> {
  if (db instanceof DuckDBEngine) return db;
  let job = jobEngines.get(db);
  if (!job) {
    const { ClickHouseJobEngine } = await import('./clickhouse-job-engine.js');
    job = new ClickHouseJobEngine(db as ClickHouseEngine);
    jobEngines.set(db, job);
  }
  return job;
}

/** Drops the members tables an engine (and its job engine) keeps on its servers; never fails the command. */
export async function dropServerMembers(db: Engine, log: Logger): Promise<void> {
  if (db instanceof DuckDBEngine) return;
  const { dropClickHouseMembers } = await import('../segments/clickhouse-target.js');
  for (const owner of [db, jobEngines.get(db)]) {
    if (owner) await dropClickHouseMembers(owner).catch((error: unknown) => log.warn({ err: error }, 'could not drop the members table kept on ClickHouse (it goes when the server restarts)'));
  }
}
