import type { Kysely } from 'kysely';
import type { ClickHouseEngine } from '../engine/clickhouse/engine.js';
import type { ColumnInfo, CompiledQuery, Engine, OutputKinds } from '../engine/engine.js';
import type { Tables } from '../engine/tables.js';

/**
 * What a job run is given on ClickHouse. The job code (src/jobs/) keeps its history and member
 * sets with plain statements beside the members table (`run_members`, `kumiwake_members`), which
 * live in the state file: so `query` answers from the state file, while the segment is evaluated
 * on the servers (`data`, read by the plan target, src/segments/clickhouse-target.ts, which also
 * copies the ids into the state's members table) and the files are written from them (`stream`,
 * `copyToFile`, `introspect`). Closing it closes nothing: the workspace owns the engine.
 */
export class ClickHouseJobEngine implements Engine {
  readonly dialectName = 'clickhouse';

  constructor(readonly data: ClickHouseEngine) {}

  get location(): string {
    return this.data.location;
  }

  query<T = Record<string, unknown>>(compiled: CompiledQuery): Promise<T[]> {
    return this.data.state.query<T>(compiled);
  }

  stream(sql: string, signal?: AbortSignal): AsyncGenerator<unknown[][]> {
    return this.data.stream(sql, signal);
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.data.transaction(work);
  }

  interrupt(): void {
    this.data.interrupt();
  }

  introspect(): Promise<ColumnInfo[]> {
    return this.data.introspect();
  }

  hasTable(name: string): Promise<boolean> {
    return this.data.hasTable(name);
  }

  kysely(): Kysely<Tables> {
    return this.data.kysely();
  }

  hasSchemaMark(key: string): Promise<boolean> {
    return this.data.hasSchemaMark(key);
  }

  setSchemaMark(key: string, value?: string): Promise<void> {
    return this.data.setSchemaMark(key, value);
  }

  copyToFile(select: string, path: string, format: 'csv' | 'parquet', signal: AbortSignal | undefined, onProgress: (fraction: number) => void, kinds?: OutputKinds): Promise<void> {
    return this.data.copyToFile(select, path, format, signal, onProgress, kinds);
  }

  withMemoryLimit<T>(limit: string, work: () => Promise<T>, setting?: string): Promise<T> {
    return this.data.withMemoryLimit(limit, work, setting);
  }

  close(): void {}
}
