import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importShop, query, runCli, runCliAsync, tempDir, writeCsv } from '../helpers/cli.js';

/**
 * Holds the database open in another process, as a running import or scheduler would, until
 * `release` (which waits for it to exit): a test releases it once it has seen what it waits for,
 * instead of a fixed time that had to outlast the CLI's start on a loaded machine.
 */
function holdDatabase(path: string): Promise<() => Promise<void>> {
  const script = `
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(${JSON.stringify(path)});
    const conn = await instance.connect();
    process.stdout.write('held\\n');
    process.stdin.once('data', () => { conn.closeSync(); instance.closeSync(); process.exit(0); });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url).pathname });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const release = async () => {
    child.stdin.end('release\n');
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve(release));
    child.on('error', reject);
  });
}

describe('a database held by another process', () => {
  it('fails with a clear "database is busy" after the bounded wait', async () => {
    const dir = tempDir();
    const db = join(dir, 'busy.duckdb');
    expect(runCli(['demo', '--db', db]).code).toBe(0);
    const file = writeCsv(join(dir, 'c.csv'), 'customer_id\n1\n');
    const release = await holdDatabase(db);
    const r = await runCliAsync(['import', 'customers', file, '--db', db], { KUMIWAKE_LOCK_TIMEOUT: '1' });
    await release();
    expect(r.code).toBe(1);
    // The holder is a plain node program, not kumiwake: the messages say so, and never blame kumiwake.
    expect(r.stderr).toMatch(/database .*busy\.duckdb is in use by another program \(pid \d+: .*node\); waiting for it/);
    expect(r.stderr).toMatch(/database is busy: .*busy\.duckdb is held by another program \(pid \d+: .*node\)/);
    expect(r.stderr).not.toMatch(/kumiwake process/);
    expect(r.stderr).not.toMatch(/Could not set lock|IO Error/);
  });

  it('waits for the other process and then proceeds', async () => {
    const dir = tempDir();
    const db = join(dir, 'wait.duckdb');
    const file = writeCsv(join(dir, 'c.csv'), 'customer_id\n1\n2\n');
    expect(runCli(['import', 'customers', file, '--db', db]).code).toBe(0);
    const release = await holdDatabase(db);
    let released: Promise<void> | undefined;
    const r = await runCliAsync(['import', 'customers', file, '--db', db, '--mode', 'replace', '--json'], { KUMIWAKE_LOCK_TIMEOUT: '30' },
      (stderr) => { if (stderr.includes('waiting for it')) released ??= release(); });
    const saidWaiting = released !== undefined;
    await (released ?? release());
    expect(saidWaiting, r.stderr).toBe(true);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsLoaded: 2 });
    expect(await query(db, 'SELECT count(*)::INT AS n FROM customers')).toEqual([{ n: 2 }]);
  });
});

describe('--db names a database', () => {
  it('refuses a CSV, Parquet, JSON or TSV file (DuckDB would open it as an empty in-memory database and keep nothing)', () => {
    const dir = tempDir();
    const file = writeCsv(join(dir, 'c.csv'), 'customer_id\n1\n');
    writeFileSync(join(dir, 'all.json'), JSON.stringify({ version: 1 }));
    const parquet = join(dir, 'list.parquet');
    writeFileSync(parquet, Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64), Buffer.from('PAR1')]));
    const tsv = writeCsv(join(dir, 'c.tsv'), 'customer_id\tname\n1\tA\n');
    const cases: Array<[string[], string]> = [
      [['import', 'customers', file, '--db', file], file],
      [['segments', 'save', 'everyone', join(dir, 'all.json'), '--db', parquet], parquet],
      [['import', 'customers', file, '--db', join(dir, 'all.json')], join(dir, 'all.json')],
      [['count', join(dir, 'all.json'), '--db', tsv], tsv],
    ];
    for (const [args, db] of cases) {
      const before = readFileSync(db);
      const r = runCli(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`kumiwake: ${db} is not a DuckDB database`);
      expect(readFileSync(db)).toEqual(before);
    }
    expect(readdirSync(dir).sort()).toEqual(['all.json', 'c.csv', 'c.tsv', 'list.parquet']);
  });

  it('refuses an empty file and a folder with a sentence, and takes a new path', () => {
    const dir = tempDir();
    const file = writeCsv(join(dir, 'c.csv'), 'customer_id\n1\n');
    writeFileSync(join(dir, 'empty.duckdb'), '');
    let r = runCli(['import', 'customers', file, '--db', join(dir, 'empty.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/empty\.duckdb is not a DuckDB database \(an empty or damaged file\)/);
    r = runCli(['import', 'customers', file, '--db', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a DuckDB database \(it is a folder\)/);
    r = runCli(['import', 'customers', file, '--db', join(dir, 'new', 'shop.duckdb'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'new', 'shop.duckdb')).subarray(8, 12).toString()).toBe('DUCK');
  });
});

describe('export temp files in a folder shared by several processes or hosts', () => {
  it('are removed only when they are of this host and their process is gone', () => {
    const dir = tempDir();
    const db = importShop(dir);
    const out = join(dir, 'out');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const host = hostname().replace(/[^A-Za-z0-9.-]/g, '_');
    const killedHere = `.list.csv.kumiwake-${dead}-0badf00d@${host}.tmp`;
    const kept = [
      `.list.csv.kumiwake-${process.pid}-0badf00d@${host}.tmp`, // a live export of this host (this test)
      `.list.csv.kumiwake-${dead}-0badf00d@another-host.tmp`, // another machine's: its pid means nothing here
      `.list.csv.kumiwake-${dead}-0badf00d.tmp`, // no host in the name: cannot be told, so kept
    ];
    writeCsv(join(dir, 'all.json'), JSON.stringify({ version: 1 }));
    runCli(['export', join(dir, 'all.json'), '--db', db, '--out', join(out, 'first.csv')]);
    for (const name of [killedHere, ...kept]) writeFileSync(join(out, name), 'partial');
    const r = runCli(['export', join(dir, 'all.json'), '--db', db, '--out', join(out, 'list.csv')]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, killedHere))).toBe(false);
    for (const name of kept) expect(existsSync(join(out, name)), name).toBe(true);
    expect(readdirSync(out).filter((f) => !f.startsWith('.')).sort()).toEqual(['first.csv', 'list.csv']);
  });
});
