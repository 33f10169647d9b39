import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query, runCli, tempDir } from '../helpers/cli.js';

// A full disk while an import writes: a small tmpfs stands for it. Mounting needs root and a
// system that permits it; elsewhere the test says why it skips (the DuckDB side of a full disk is
// tested through /dev/full in test/unit/engine.test.ts and test/e2e/generate.test.ts).
const dir = tempDir();
const small = join(dir, 'small');
mkdirSync(small);
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', small]).status === 0;
if (!mounted) console.warn('disk-full.test.ts skipped: cannot mount a small tmpfs here (needs root and a system that permits mount)');

describe.skipIf(!mounted)('an import whose decoded copy fills the disk', () => {
  const db = join(dir, 'shop.duckdb');
  const file = join(dir, 'customers.csv');

  beforeAll(() => {
    // A CP932 file of about 1 MB: its UTF-8 copy does not fit in 256 KB.
    const lines = ['会員番号,氏名', ...Array.from({ length: 40_000 }, (_, i) => `C${i},山田 太郎`)];
    writeFileSync(file, iconv.encode(`${lines.join('\r\n')}\r\n`, 'cp932'));
    writeFileSync(join(dir, 'one.csv'), 'customer_id,name\nX1,before\n');
    expect(runCli(['import', 'customers', join(dir, 'one.csv'), '--db', db]).code).toBe(0);
  });
  afterAll(() => {
    spawnSync('umount', [small]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('says the disk is full, naming the copy it could not write, changes nothing and leaves no copy', async () => {
    const r = runCli(['import', 'customers', file, '--db', db], { KUMIWAKE_DECODE_DIR: small });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^kumiwake: no space left on the device: could not write ${small}/\\S+customers\\.csv\\S*\\. Free some space on it and run the command again\\.$`, 'm'));
    expect(r.stderr).not.toContain('internal error');
    expect(readdirSync(small)).toEqual([]);
    expect(await query<{ customer_id: string }>(db, 'SELECT customer_id FROM customers')).toEqual([{ customer_id: 'X1' }]);
  });
});
