import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query, runCli, tempDir } from '../helpers/cli.js';

// A full disk while a command writes: a small tmpfs stands for it. Mounting needs root and a
// system that permits it; elsewhere the tests say why they skip (DuckDB's side of a full disk is
// also tested through /dev/full in test/unit/engine.test.ts and test/e2e/generate.test.ts).
describe('a disk that fills as a command writes', () => {
  const dir = tempDir();
  const small = join(dir, 'small');
  const db = join(dir, 'shop.duckdb');
  const file = join(dir, 'customers.csv');
  const one = join(dir, 'one.csv');
  let mounted = false;

  beforeAll(() => {
    mkdirSync(small);
    mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', small]).status === 0;
    if (!mounted) {
      console.warn('disk-full.test.ts: skipped, a small tmpfs cannot be mounted here (needs root and a system that permits mount)');
      return;
    }
    // A CP932 file of about 1 MB: its UTF-8 copy does not fit in 256 KB.
    const lines = ['会員番号,氏名', ...Array.from({ length: 40_000 }, (_, i) => `C${i},山田 太郎`)];
    writeFileSync(file, iconv.encode(`${lines.join('\r\n')}\r\n`, 'cp932'));
    writeFileSync(one, 'customer_id,name\nX1,before\n');
    expect(runCli(['import', 'customers', one, '--db', db]).code).toBe(0);
  });
  afterAll(() => {
    if (mounted) spawnSync('umount', [small]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('an import whose UTF-8 copy fills it names the copy, changes nothing and leaves no copy', async (context) => {
    if (!mounted) context.skip();
    const r = runCli(['import', 'customers', file, '--db', db], { KUMIWAKE_DECODE_DIR: small });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^kumiwake: no space left on the device: could not write ${small}/\\S+customers\\.csv\\S*\\. Free some space on it and run the command again\\.$`, 'm'));
    expect(r.stderr).not.toContain('internal error');
    expect(readdirSync(small)).toEqual([]);
    expect(await query<{ customer_id: string }>(db, 'SELECT customer_id FROM customers')).toEqual([{ customer_id: 'X1' }]);
  });

  it('a new database it cannot hold is named, and no empty file is left to read as damaged', (context) => {
    if (!mounted) context.skip();
    const r = runCli(['import', 'customers', one, '--db', join(small, 'new.duckdb')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`kumiwake: no space left on the device: could not write ${join(small, 'new.duckdb')}. Free some space on it`);
    expect(readdirSync(small)).toEqual([]);
  });
});
