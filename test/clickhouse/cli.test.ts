/** The CLI against two ClickHouse shards: cluster init, imports as with DuckDB, errors as sentences, a killed import. Needs `npx tsc -p tsconfig.json` (dist/). */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCliAsync, tempDir } from '../helpers/cli.js';
import { clickhouseMissing, serverQuery, startServers, type Servers } from './servers.js';
import { SAMPLE_FILES } from './sample-shop.js';

const missing = clickhouseMissing();
const CLI_TABLE: Record<string, string> = { mail_events: 'mail-events' };

describe.skipIf(missing !== undefined)('kumiwake on a two-shard ClickHouse cluster', () => {
  let servers: Servers;
  let dir: string;
  let engine: string;
  beforeAll(async () => {
    servers = await startServers();
    dir = tempDir('kumiwake-ch-cli-');
    engine = servers.engineUrl('cli');
  }, 120_000);
  afterAll(async () => {
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);
  const count = async (table: string) => Number(await serverQuery(servers.servers[0]!, `SELECT count() FROM cli.${table} FORMAT TabSeparated`));

  it('cluster init creates the tables on both shards, and says so again when run twice', async () => {
    for (let run = 0; run < 2; run++) {
      const r = await runCliAsync(['cluster', 'init', '--json'], { KUMIWAKE_ENGINE: engine });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout) as { cluster: string; shards: Array<{ shard: number }>; tables: string[] };
      expect(json.cluster).toBe('kumiwake');
      expect(json.shards.map((s) => s.shard)).toEqual([1, 2]);
      expect(json.tables).toContain('mail_events');
    }
    for (const server of servers.servers) {
      expect(await serverQuery(server, "SELECT count() FROM system.tables WHERE database = 'cli' AND name = 'purchases_local' FORMAT TabSeparated")).toBe('1\n');
    }
  }, 120_000);

  it('imports the sample shop with the same answers as the DuckDB file', async () => {
    for (const { table, file } of SAMPLE_FILES) {
      const name = CLI_TABLE[table.table] ?? table.table;
      const duck = await runCliAsync(['import', name, file, '--json', '--db', join(dir, 'duck.duckdb')], { KUMIWAKE_LOG_LEVEL: 'warn' });
      const click = await runCliAsync(['import', name, file, '--json', '--engine', engine, '--db', join(dir, 'state.duckdb')], { KUMIWAKE_LOG_LEVEL: 'warn' });
      expect(click.stderr).toBe('');
      expect(click.code, click.stderr).toBe(0);
      expect(JSON.parse(click.stdout)).toEqual(JSON.parse(duck.stdout));
      const stored = JSON.parse(click.stdout) as { rowsStored: number };
      if (table.table !== 'customers') continue;
      expect(await count('customers')).toBe(stored.rowsStored);
    }
    expect(await count('purchases')).toBe(7429);
  }, 300_000);

  it('gives sentences for a bad setting and an unreachable server', async () => {
    const bad = await runCliAsync(['import', 'customers', SAMPLE_FILES[1]!.file, '--engine', 'clickhouse://127.0.0.1:8123/']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--engine .*names no database/);
    const down = await runCliAsync(['cluster', 'init', '--engine', 'clickhouse://127.0.0.1:9/x']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach ClickHouse at http:\/\/127\.0\.0\.1:9/);
    const auth = await runCliAsync(['cluster', 'init', '--engine', `clickhouse://kumiwake:wrong@127.0.0.1:${servers.servers[0]!.httpPort}/x`]);
    expect(auth.code).toBe(1);
    expect(auth.stderr).toMatch(/refused user "kumiwake"/);
    // Without shards=, shard 2 would be reached at the first server's port: another server.
    const wrongShard = await runCliAsync(['cluster', 'init', '--engine', `clickhouse://127.0.0.1:${servers.servers[0]!.httpPort}/other?cluster=kumiwake`]);
    expect(wrongShard.code).toBe(2);
    expect(wrongShard.stderr).toMatch(/shard 2 .* is another server: give each shard's HTTP address/);
  }, 120_000);

  it('kumiwake schedule runs on ClickHouse: it schedules the jobs of the folder and stops on SIGTERM', async () => {
    const jobs = join(dir, 'scheduled-jobs');
    mkdirSync(jobs, { recursive: true });
    writeFileSync(join(jobs, 'nightly.json'), JSON.stringify({ definition: { version: 1, name: 'all', where: { all: [] } }, schedule: '0 3 * * *', outputs: [{ path: 'nightly.csv' }] }));
    const proc = spawn(process.execPath, [CLI, 'schedule', '--jobs-dir', jobs, '--json'], { env: { ...process.env, KUMIWAKE_ENGINE: engine, KUMIWAKE_DB: join(dir, 'schedule-state.duckdb'), KUMIWAKE_LOG_LEVEL: 'warn' } });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!out.includes('"scheduled"') && Date.now() < deadline && proc.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    proc.kill('SIGTERM');
    const code = await exited;
    expect(err).not.toMatch(/does not run on ClickHouse/);
    expect((JSON.parse(out.split('\n')[0]!) as { scheduled: Array<{ job: string }> }).scheduled.map((j) => j.job)).toEqual(['nightly']);
    expect([0, 143]).toContain(code);
  }, 120_000);

  it('a killed import leaves no visible row; the next import removes what it left', async () => {
    const file = join(dir, 'many.csv');
    const lines = ['order_id,line_no,customer_id,ordered_at,product_code,quantity,amount'];
    for (let i = 0; i < 400_000; i++) lines.push(`K${i},1,${String(1 + (i % 300)).padStart(8, '0')},2026-02-${String(1 + (i % 28)).padStart(2, '0')} 09:00:00,P00002,1,250`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const before = await count('purchases');
    const child = spawn(process.execPath, [CLI, 'import', 'purchases', file, '--engine', engine, '--db', join(dir, 'state.duckdb')], { stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    for (let i = 0; i < 600; i++) {
      const seen = await serverQuery(servers.servers[1]!, "SELECT sum(rows) FROM system.parts WHERE database = 'cli' AND match(table, '_in_') AND active FORMAT TabSeparated");
      if (Number(seen) > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    await exited;
    expect(await count('purchases')).toBe(before);
    const left = await serverQuery(servers.servers[1]!, "SELECT count() FROM system.tables WHERE database = 'cli' AND match(name, '_in_') FORMAT TabSeparated");
    expect(Number(left)).toBeGreaterThan(0);
    const next = await runCliAsync(['import', 'stores', '--engine', engine, '--db', join(dir, 'state.duckdb'), writeStores(dir)]);
    expect(next.code, next.stderr).toBe(0);
    for (const server of servers.servers) {
      expect(await serverQuery(server, "SELECT name FROM system.tables WHERE database = 'cli' AND match(name, '_(in|next|old)_') FORMAT TabSeparated")).toBe('');
    }
    expect(await count('purchases')).toBe(before);
    // The killed import's scratch database is gone too.
    expect(readdirSync(dir).filter((name) => name.startsWith('.kumiwake-import-'))).toEqual([]);
  }, 300_000);
});

function writeStores(dir: string): string {
  const file = join(dir, 'stores.csv');
  writeFileSync(file, 'store_id,store_name\n100,本店\n200,Web\n');
  return file;
}
