/**
 * The sample shop in two workspaces opened through the library, as the insights and warnings
 * tests compare them: a DuckDB file, and two ClickHouse 18.16 shards (with their state file), both
 * loaded by `Workspace.import` from the same files, with the same saved segments.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkspace, type Workspace } from '../../src/api/workspace.js';
import type { TableName } from '../../src/api/types.js';
import { tempDir } from '../helpers/cli.js';
import { startServers, type Servers } from './servers.js';
import { SAMPLE_FILES } from './sample-shop.js';

export const AS_OF = '2026-03-31';
const CLI_TABLE: Record<string, string> = { mail_events: 'mail-events' };

export interface TwoShops {
  readonly duck: Workspace;
  readonly click: Workspace;
  readonly dir: string;
  readonly servers: Servers;
  close(): Promise<void>;
}

/** Starts the servers, imports the sample shop into both workspaces and saves `saved` in both. */
export async function twoShops(database: string, saved: Record<string, unknown> = {}): Promise<TwoShops> {
  const servers = await startServers();
  const dir = tempDir(`kumiwake-ch-${database}-`);
  const duck = await openWorkspace({ db: join(dir, 'duck.duckdb'), tz: 'Asia/Tokyo' });
  const click = await openWorkspace({ db: join(dir, 'state.duckdb'), engine: servers.engineUrl(database), tz: 'Asia/Tokyo' });
  const close = async () => {
    await duck.close().catch(() => {});
    await click.close().catch(() => {});
    await servers.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { initClickHouse } = await import('../../src/api/clickhouse.js');
    await initClickHouse(servers.engineUrl(database));
    for (const { table, file } of SAMPLE_FILES) {
      for (const ws of [duck, click]) await ws.import({ table: (CLI_TABLE[table.table] ?? table.table) as TableName, files: [file] });
    }
    for (const [name, where] of Object.entries(saved)) {
      for (const ws of [duck, click]) await ws.segments.save(name, { version: 1, name, where });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { duck, click, dir, servers, close };
}
