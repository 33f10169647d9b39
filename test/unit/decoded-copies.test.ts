import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecodedCopies } from '../../src/import/decoded-copies.js';
import { tempDir } from '../helpers/cli.js';

describe('DecodedCopies', () => {
  it('puts a copy that fits in RAM under /dev/shm, a huge one beside the database, and removes both', () => {
    const db = join(tempDir(), 'shop.duckdb');
    const copies = DecodedCopies.forDatabase(db);
    const small = copies.pathFor('/x/customers.csv', 0, 1 << 20);
    const huge = copies.pathFor('/x/purchases.csv', 1, 1e15);
    if (existsSync('/dev/shm')) expect(small.startsWith('/dev/shm/')).toBe(true);
    expect(dirname(huge)).toBe(join(dirname(db), '.kumiwake-tmp'));
    expect(copies.isInRam(huge)).toBe(false);
    writeFileSync(small, 'a');
    writeFileSync(huge, 'b');
    copies.removeAll();
    for (const folder of copies.folders) expect(existsSync(folder)).toBe(false);
  });

  it('clears what a killed import left behind for the same database, and nothing of another', () => {
    const dir = tempDir();
    const first = DecodedCopies.forDatabase(join(dir, 'a.duckdb'));
    const other = DecodedCopies.forDatabase(join(dir, 'other', 'b.duckdb'));
    const left = first.pathFor('/x/c.csv', 0, 1000);
    const others = other.pathFor('/x/c.csv', 0, 1000);
    writeFileSync(left, 'left over');
    writeFileSync(others, 'in use');
    const next = DecodedCopies.forDatabase(join(dir, 'a.duckdb'));
    expect(next.folders.some((folder) => left.startsWith(`${folder}/`))).toBe(true);
    next.removeAll();
    expect(existsSync(left)).toBe(false);
    expect(existsSync(others)).toBe(true);
    other.removeAll();
  });

  it('writes every copy to the forced folder (the CLI\'s KUMIWAKE_DECODE_DIR) when one is given', () => {
    const forced = join(tempDir(), 'decode');
    mkdirSync(forced);
    const copies = DecodedCopies.forDatabase(join(tempDir(), 'shop.duckdb'), forced);
    expect(copies.pathFor('/x/customers.csv', 0, 1 << 20).startsWith(`${forced}/`)).toBe(true);
    copies.removeAll();
    expect(existsSync(forced)).toBe(true);
  });
});
