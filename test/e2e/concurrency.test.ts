import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { query, runCli, runCliAsync, tempDir, writeCsv } from '../helpers/cli.js';

/** Holds the database open in another process, as a running import or scheduler would. */
function holdDatabase(path: string, ms: number): Promise<() => Promise<void>> {
  const script = `
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(${JSON.stringify(path)});
    const conn = await instance.connect();
    process.stdout.write('held\\n');
    setTimeout(() => { conn.closeSync(); instance.closeSync(); process.exit(0); }, ${ms});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: new URL('../..', import.meta.url).pathname });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && resolve(() => exited));
    child.on('error', reject);
  });
}

describe('a database held by another process', () => {
  it('fails with a clear "database is busy" after the bounded wait', async () => {
    const dir = tempDir();
    const db = join(dir, 'busy.duckdb');
    expect(runCli(['demo', '--db', db]).code).toBe(0);
    const file = writeCsv(join(dir, 'c.csv'), 'customer_id\n1\n');
    const released = await holdDatabase(db, 4000);
    const r = await runCliAsync(['import', 'customers', file, '--db', db], { KUMIWAKE_LOCK_TIMEOUT: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('waiting for it');
    expect(r.stderr).toMatch(/database is busy: .*busy\.duckdb is held by another kumiwake process/);
    expect(r.stderr).not.toMatch(/Could not set lock|IO Error/);
    await released();
  });

  it('waits for the other process and then proceeds', async () => {
    const dir = tempDir();
    const db = join(dir, 'wait.duckdb');
    const file = writeCsv(join(dir, 'c.csv'), 'customer_id\n1\n2\n');
    expect(runCli(['import', 'customers', file, '--db', db]).code).toBe(0);
    const released = await holdDatabase(db, 1500);
    const r = await runCliAsync(['import', 'customers', file, '--db', db, '--mode', 'replace', '--json'], { KUMIWAKE_LOCK_TIMEOUT: '30' });
    expect(r.stderr).toContain('waiting for it');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsLoaded: 2 });
    await released();
    expect(await query(db, 'SELECT count(*)::INT AS n FROM customers')).toEqual([{ n: 2 }]);
  });
});
