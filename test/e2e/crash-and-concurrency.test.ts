import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecodedCopies, hostName } from '../../src/import/decoded-copies.js';
import { CLI, importShop, query, runCli, runCliAsync, snapshot, tempDir, writeCsv } from '../helpers/cli.js';

/** A purchases file of `lines` new order lines for the shop's customers. */
function purchasesFile(dir: string, lines: number, prefix: string): string {
  const rows = ['order_id,line_no,customer_id,ordered_at,product_code,amount'];
  for (let i = 0; i < lines; i++) rows.push(`${prefix}${Math.floor(i / 3)},${(i % 3) + 1},00${(i % 3) + 1},2025-0${(i % 9) + 1}-1${i % 10} 10:00,P${i % 3},${100 + (i % 50)}`);
  const path = join(dir, `${prefix}.csv`);
  writeFileSync(path, `${rows.join('\n')}\n`);
  return path;
}

describe('a process killed in the middle of an import', () => {
  it('leaves the database exactly as it was, and the next commands work without repair', async () => {
    const dir = tempDir();
    const db = importShop(dir);
    const file = purchasesFile(dir, 400_000, 'K');
    const before = await snapshot(db);
    const child = spawn(process.execPath, [CLI, 'import', 'purchases', file, '--db', db], { env: { ...process.env, KUMIWAKE_LOG_LEVEL: 'debug' } });
    let stderr = '';
    const killed = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve) => child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('loading file')) resolve();
    }));
    await new Promise((r) => setTimeout(r, 200)); // inside the load, before its commit
    child.kill('SIGKILL');
    expect(await killed).toBe('SIGKILL');
    expect(await snapshot(db)).toBe(before);
    const again = runCli(['import', 'purchases', purchasesFile(dir, 30, 'A'), '--db', db, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).rowsLoaded).toBe(30);
    writeFileSync(join(dir, 'all.json'), JSON.stringify({ version: 1 }));
    const count = runCli(['count', join(dir, 'all.json'), '--db', db, '--json']);
    expect(count.code, count.stderr).toBe(0);
    expect(JSON.parse(count.stdout).count).toBe(4);
  });
});

describe('an import stopped with Ctrl-C (SIGINT)', () => {
  it('rolls back, removes its decoded copy, records the import as interrupted and exits 130', async () => {
    const dir = tempDir();
    const db = importShop(dir);
    // CP932, so that the import first writes a decoded UTF-8 copy beside the database.
    const file = writeCsv(join(dir, 'k.csv'), readFileSync(purchasesFile(dir, 400_000, 'K'), 'utf8').replace('order_id', '受注番号'), 'cp932');
    const before = await snapshot(db);
    const child = spawn(process.execPath, [CLI, 'import', 'purchases', file, '--db', db], { env: { ...process.env, KUMIWAKE_LOG_LEVEL: 'debug' } });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('loading file')) resolve();
    }));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted \(SIGINT\)/);
    expect(await snapshot(db)).toBe(before);
    for (const root of DecodedCopies.rootsFor(db)) expect(existsSync(root)).toBe(false);
    const [last] = await query<{ outcome: string }>(db, 'SELECT outcome FROM imports ORDER BY import_id DESC LIMIT 1');
    expect(last!.outcome).toBe('interrupted');
  });
});

describe('an import, counts and a job started together on one database', () => {
  it('all finish correctly, waiting for each other; none prints a raw lock error', async () => {
    const dir = tempDir();
    const db = importShop(dir);
    const jobs = join(dir, 'jobs');
    mkdirSync(jobs);
    writeFileSync(join(jobs, 'emailable.json'), JSON.stringify({ definition: { version: 1, where: { kind: 'reachable', channel: 'email' } }, outputs: [{ path: 'e.csv' }] }));
    writeFileSync(join(dir, 'all.json'), JSON.stringify({ version: 1 }));
    const file = purchasesFile(dir, 300_000, 'C');
    const [before] = await query<{ n: number }>(db, 'SELECT count(*)::INT AS n FROM purchases');
    const started = [
      runCliAsync(['import', 'purchases', file, '--db', db, '--json']),
      ...[1, 2, 3].map(() => runCliAsync(['count', join(dir, 'all.json'), '--db', db, '--json', '--as-of', '2025-03-31'])),
      runCliAsync(['run', 'emailable', '--jobs-dir', jobs, '--db', db, '--json']),
    ];
    const results = await Promise.all(started);
    for (const r of results) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/Could not set lock|Conflicting lock|IO Error|internal error/);
    }
    expect(JSON.parse(results[0]!.stdout).rowsLoaded).toBe(300_000);
    for (const r of results.slice(1, 4)) expect(JSON.parse(r.stdout).count).toBe(4);
    expect(JSON.parse(results[4]!.stdout)).toMatchObject({ status: 'succeeded', count: 1 });
    expect(await query(db, 'SELECT count(*)::INT AS n FROM purchases')).toEqual([{ n: before!.n + 300_000 }]);
  });
});

describe('the next command after a killed one', () => {
  it('removes DuckDB\'s spill files and the decoded copies the killed process left, marks its job run interrupted, and keeps what a live process uses', async () => {
    const dir = tempDir();
    const db = importShop(dir);
    // What a command killed with SIGKILL leaves: DuckDB's spill folder, a decoded copy (on disk and
    // in RAM), a job run still "running".
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    mkdirSync(`${db}.tmp`);
    writeFileSync(join(`${db}.tmp`, 'duckdb_temp_storage_S32K-0.tmp'), Buffer.alloc(1 << 16));
    const killed = DecodedCopies.forDatabase(db, undefined, { pid: dead, host: hostName() });
    const leftovers = [killed.pathFor('/x/customers.csv', 0, 1e15), killed.pathFor('/x/purchases.csv', 1, 1000)];
    // A live process's copy (this test's), and a copy of another host sharing the folder.
    const live = DecodedCopies.forDatabase(db).pathFor('/x/customers.csv', 0, 1e15);
    const elsewhere = DecodedCopies.forDatabase(db, undefined, { pid: dead, host: 'another-host' }).pathFor('/x/customers.csv', 0, 1e15);
    for (const path of [...leftovers, live, elsewhere]) writeFileSync(path, 'copy');
    const instance = await import('@duckdb/node-api').then((m) => m.DuckDBInstance.create(db));
    const conn = await instance.connect();
    await conn.run(`INSERT INTO job_runs (job, trigger, started_at, status, pid) VALUES ('killed', 'manual', TIMESTAMP '2025-01-01 00:00', 'running', ${dead})`);
    conn.closeSync();
    instance.closeSync();

    writeFileSync(join(dir, 'all.json'), JSON.stringify({ version: 1 }));
    const r = runCli(['segments', 'save', 'everyone', join(dir, 'all.json'), '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(`${db}.tmp`)).toBe(false);
    for (const path of leftovers) expect(existsSync(path)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(elsewhere)).toBe(true);
    expect(await query(db, `SELECT status, error FROM job_runs WHERE job = 'killed'`)).toEqual([
      { status: 'interrupted', error: 'the process running it stopped before it finished' },
    ]);
    expect(readdirSync(dir).filter((f) => f.startsWith('shop.duckdb'))).toEqual(['shop.duckdb']);
  });
});

describe('a process killed right after it opened a database of an older version', () => {
  it('leaves a database that opens: the schema change it made is already in the file, not only in the log', async () => {
    const dir = tempDir();
    const db = importShop(dir);
    // A database from before a column was added to job_runs (whose run_id defaults to a sequence):
    // DuckDB cannot replay such an ALTER TABLE from its write-ahead log, read-only or not.
    const instance = await import('@duckdb/node-api').then((m) => m.DuckDBInstance.create(db));
    const conn = await instance.connect();
    await conn.run('ALTER TABLE job_runs DROP COLUMN error_parameters');
    await conn.run('CHECKPOINT');
    conn.closeSync();
    instance.closeSync();
    const engine = new URL('../../dist/engine/duckdb/engine.js', import.meta.url).href;
    const script = `const { DuckDBEngine } = await import(${JSON.stringify(engine)});
      await DuckDBEngine.open(${JSON.stringify(db)}); process.stdout.write('opened\\n'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
    let stdout = '';
    const opened = new Promise<void>((resolve) => child.stdout.on('data', (d) => (stdout += d).includes('opened') && resolve()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    await opened;
    child.kill('SIGKILL');
    await exited;
    const history = runCli(['history', '--db', db, '--json']);
    expect(history.code, history.stderr).toBe(0);
    expect(await query(db, `SELECT count(*)::INT AS n FROM information_schema.columns WHERE table_name = 'job_runs' AND column_name = 'error_parameters'`)).toEqual([{ n: 1 }]);
  });
});
