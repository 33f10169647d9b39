import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir, writeCsv } from '../helpers/cli.js';

const ROWS = 60_000;

/** Starts an export, waits until its temp file exists (rows are being written), then sends `signal`. */
async function exportKilledMidway(args: string[], outDir: string, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args]);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, sig) => resolve({ code, signal: sig })));
  const deadline = Date.now() + 60_000;
  while (!readdirSync(outDir).some((f) => f.includes('.kumiwake-')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  child.kill(signal);
  return { ...(await exited), stderr };
}

describe('an export interrupted midway', () => {
  let dir: string;
  let db: string;
  let def: string;
  beforeAll(() => {
    dir = tempDir();
    db = join(dir, 'big.duckdb');
    const lines = ['customer_id,name,email_pc,prefecture,address'];
    for (let i = 0; i < ROWS; i++) lines.push(`${String(i).padStart(8, '0')},顧客 ${i},u${i}@example.jp,東京都,千代田区${i}`);
    writeCsv(join(dir, 'customers.csv'), `${lines.join('\n')}\n`);
    expect(runCli(['import', 'customers', join(dir, 'customers.csv'), '--db', db]).code).toBe(0);
    def = join(dir, 'all.json');
    writeFileSync(def, JSON.stringify({ version: 1 }));
  });

  it('on SIGTERM removes its temp file, leaves no file under the target name and exits 143', async () => {
    const out = join(dir, 'term');
    runCli(['export', def, '--db', db, '--out', join(out, 'warmup.csv')]); // creates the folder
    const r = await exportKilledMidway(['export', def, '--db', db, '--out', join(out, 'list.xlsx')], out, 'SIGTERM');
    expect(r.code).toBe(143);
    expect(r.stderr).toContain('interrupted (SIGTERM)');
    expect(readdirSync(out).sort()).toEqual(['warmup.csv']);
  });

  it('on SIGKILL leaves no file under the target name; the next export there removes the orphaned temp file', async () => {
    const out = join(dir, 'kill');
    runCli(['export', def, '--db', db, '--out', join(out, 'warmup.csv')]);
    const r = await exportKilledMidway(['export', def, '--db', db, '--out', join(out, 'list.xlsx')], out, 'SIGKILL');
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(join(out, 'list.xlsx'))).toBe(false);
    expect(readdirSync(out).filter((f) => f.includes('.kumiwake-')).length).toBeGreaterThan(0);
    const again = runCli(['export', def, '--db', db, '--out', join(out, 'list.csv'), '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).count).toBe(ROWS);
    expect(readdirSync(out).sort()).toEqual(['list.csv', 'warmup.csv']);
  });
});
