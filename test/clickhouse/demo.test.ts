/**
 * `npm start` on ClickHouse: `kumiwake demo --engine` makes the tables, loads the sample shop,
 * counts the sample segments and runs the sample jobs (CSV, Parquet, Excel outputs), with the
 * same figures as on a DuckDB file. Needs dist/.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync, tempDir } from '../helpers/cli.js';
import { clickhouseMissing, startServers, type Servers } from './servers.js';

const missing = clickhouseMissing();

describe.skipIf(missing !== undefined)('kumiwake demo on a two-shard ClickHouse cluster = on a DuckDB file', () => {
  let servers: Servers;
  let dir: string;
  beforeAll(async () => {
    servers = await startServers();
    dir = tempDir('kumiwake-ch-demo-');
  }, 600_000);
  afterAll(async () => {
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('kumiwake demo --engine loads the sample shop, counts the sample segments and runs the sample jobs as on a DuckDB file', async () => {
    const demo = async (args: string[]) => {
      const r = await runCliAsync(['demo', ...args, '--json'], { KUMIWAKE_LOG_LEVEL: 'warn' });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { loaded: boolean; tables: unknown; segments: Array<{ file: string; count: number; reachable: unknown }>; jobs: Array<{ job: string; status: string; count: number; files: string[] }> };
      return { loaded: out.loaded, tables: out.tables, segments: out.segments.map(({ file, count, reachable }) => ({ file, count, reachable })), jobs: out.jobs.map((j) => [j.job, j.status, j.count, j.files.length]) };
    };
    const [d, c] = [await demo(['--db', join(dir, 'demo', 'duck.duckdb')]), await demo(['--engine', servers.engineUrl('demo'), '--db', join(dir, 'demo-click', 'state.duckdb')])];
    expect(d.loaded).toBe(true);
    expect(d.segments.some((s) => s.count > 0)).toBe(true);
    expect(d.jobs.every((j) => j[1] === 'succeeded')).toBe(true);
    expect(c).toEqual(d);
  }, 600_000);

});
