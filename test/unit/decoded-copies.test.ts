import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it, vi } from 'vitest';
import { DiskFullError } from '../../src/errors.js';
import { DecodedCopies, hostName } from '../../src/import/decoded-copies.js';
import { transcodeToUtf8 } from '../../src/import/encoding.js';
import { tempDir } from '../helpers/cli.js';

/** Decoder threads started and not yet ended (every Worker the code under test makes). */
const liveWorkers = vi.hoisted(() => new Set<object>());
vi.mock('node:worker_threads', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:worker_threads')>();
  class TrackedWorker extends actual.Worker {
    constructor(...args: ConstructorParameters<typeof actual.Worker>) {
      super(...args);
      liveWorkers.add(this);
      this.once('exit', () => liveWorkers.delete(this));
    }
  }
  return { ...actual, Worker: TrackedWorker };
});

/** The pid of a process that has ended. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('DecodedCopies', () => {
  it('puts a copy that fits in RAM under /dev/shm, a huge one beside the database, and removes both', () => {
    const db = join(tempDir(), 'shop.duckdb');
    const copies = DecodedCopies.forDatabase(db);
    const small = copies.pathFor('/x/customers.csv', 0, 1 << 20);
    const huge = copies.pathFor('/x/purchases.csv', 1, 1e15);
    if (existsSync('/dev/shm')) expect(small.startsWith('/dev/shm/')).toBe(true);
    expect(dirname(dirname(dirname(huge)))).toBe(join(dirname(db), '.kumiwake-tmp'));
    expect(basename(dirname(huge))).toMatch(new RegExp(`^${process.pid}-[0-9a-f]+@`));
    expect(copies.isInRam(huge)).toBe(false);
    writeFileSync(small, 'a');
    writeFileSync(huge, 'b');
    copies.removeAll();
    for (const folder of copies.folders) expect(existsSync(folder)).toBe(false);
    expect(existsSync(join(dirname(db), '.kumiwake-tmp'))).toBe(false); // left empty: removed
  });

  it('writes a copy on disk when the RAM file system fills, and names the copy when the disk is full too', async () => {
    const full = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const copies = DecodedCopies.forDatabase(join(tempDir(), 'shop.duckdb'));
    const tried: string[] = [];
    // RAM full, disk not: the copy lands beside the database, the RAM attempt removed.
    const { copy, result } = await copies.write('/x/customers.csv', 0, 1 << 20, (to) => {
      tried.push(to);
      writeFileSync(to, 'partial');
      if (copies.isInRam(to)) throw full();
      return 'written';
    });
    expect(result).toBe('written');
    expect(copies.isInRam(copy)).toBe(false);
    expect(readFileSync(copy, 'utf8')).toBe('partial');
    if (existsSync('/dev/shm')) {
      expect(tried).toHaveLength(2);
      expect(existsSync(tried[0]!)).toBe(false);
    }
    // Both full: a sentence naming the copy on disk. Another failure passes as it is.
    const failed = await copies.write('/x/mails.csv', 1, 1 << 20, () => { throw full(); }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(DiskFullError);
    expect((failed as DiskFullError).path).toMatch(/\.kumiwake-tmp\/.+\/1-mails\.csv\.utf8\.csv$/);
    const denied = Object.assign(new Error('EACCES'), { code: 'EACCES' });
    expect(await copies.write('/x/x.csv', 2, 10, () => { throw denied; }).catch((e: unknown) => e)).toBe(denied);
    copies.removeAll();
  });

  it('gives each database and each command its own folder: one import never removes or reads another\'s copy', () => {
    const dir = tempDir();
    const a = DecodedCopies.forDatabase(join(dir, 'a.duckdb'));
    const b = DecodedCopies.forDatabase(join(dir, 'b.duckdb'));
    const a2 = DecodedCopies.forDatabase(join(dir, 'a.duckdb'));
    // Copies on disk (too large for RAM), as when /dev/shm is small: the case that was shared.
    const paths = [a, b, a2].map((copies) => copies.pathFor('/x/customers.csv', 0, 1e15));
    expect(new Set(paths).size).toBe(3);
    paths.forEach((path, i) => writeFileSync(path, `copy ${i}`));
    a.removeAll();
    expect(existsSync(paths[0]!)).toBe(false);
    expect(readFileSync(paths[1]!, 'utf8')).toBe('copy 1');
    expect(readFileSync(paths[2]!, 'utf8')).toBe('copy 2');
    b.removeAll();
    a2.removeAll();
    expect(readdirSync(dir).sort()).toEqual([]);
  });

  it('clears what a killed command left for the same database, and nothing of a live process, another host or another database', () => {
    const dir = tempDir();
    const db = join(dir, 'a.duckdb');
    const dead = deadPid();
    const leftovers = [
      DecodedCopies.forDatabase(db, undefined, { pid: dead, host: hostName() }),
      DecodedCopies.forDatabase(db, undefined, { pid: dead, host: hostName() }),
    ].map((copies, i) => copies.pathFor('/x/c.csv', 0, i === 0 ? 1000 : 1e15));
    const live = DecodedCopies.forDatabase(db, undefined, { pid: process.ppid, host: hostName() }).pathFor('/x/c.csv', 0, 1e15);
    const elsewhere = DecodedCopies.forDatabase(db, undefined, { pid: dead, host: 'another-host' }).pathFor('/x/c.csv', 0, 1e15);
    const other = DecodedCopies.forDatabase(join(dir, 'b.duckdb'), undefined, { pid: dead, host: hostName() }).pathFor('/x/c.csv', 0, 1e15);
    for (const path of [...leftovers, live, elsewhere, other]) writeFileSync(path, 'x');
    const next = DecodedCopies.forDatabase(db);
    next.removeAll(); // what an import does first
    for (const path of leftovers) expect(existsSync(path)).toBe(false);
    for (const path of [live, elsewhere, other]) expect(existsSync(path)).toBe(true);
    // Any command can clear them, not only an import (the workspace does when it opens the database to write).
    expect(DecodedCopies.removeLeftovers(join(dir, 'b.duckdb'))).toEqual([dirname(other)]);
    expect(DecodedCopies.removeLeftovers(db, undefined, () => false)).toEqual([dirname(live)]);
    expect(existsSync(elsewhere)).toBe(true);
  });

  it('writes every copy to the forced folder (the CLI\'s KUMIWAKE_DECODE_DIR) when one is given', () => {
    const forced = join(tempDir(), 'decode');
    mkdirSync(forced);
    const copies = DecodedCopies.forDatabase(join(tempDir(), 'shop.duckdb'), forced);
    expect(copies.pathFor('/x/customers.csv', 0, 1 << 20).startsWith(`${forced}/`)).toBe(true);
    copies.removeAll();
    expect(existsSync(forced)).toBe(true);
    expect(readdirSync(forced)).toEqual([]);
  });
});

describe('transcodeToUtf8', () => {
  it('decodes CP932 to UTF-8 and stops its decoder threads', async () => {
    const dir = tempDir();
    const source = join(dir, 'c.csv');
    writeFileSync(source, iconv.encode('会員番号,氏名\n001,山田 太郎\n', 'cp932'));
    await transcodeToUtf8(source, join(dir, 'c.utf8.csv'));
    expect(readFileSync(join(dir, 'c.utf8.csv'), 'utf8')).toBe('会員番号,氏名\n001,山田 太郎\n');
    await expect.poll(() => liveWorkers.size, { timeout: 5000 }).toBe(0);
  });

  it('stops every decoder thread when it fails before decoding (the target\'s folder is gone), so the command can end', async () => {
    const dir = tempDir();
    const source = join(dir, 'c.csv');
    writeFileSync(source, iconv.encode('会員番号\n001\n', 'cp932'));
    await expect(transcodeToUtf8(source, join(dir, 'removed-by-someone', 'c.utf8.csv'))).rejects.toThrow(/ENOENT/);
    await expect.poll(() => liveWorkers.size, { timeout: 5000 }).toBe(0);
    await expect(transcodeToUtf8(join(dir, 'missing.csv'), join(dir, 'out.csv'))).rejects.toThrow(/ENOENT/);
    await expect.poll(() => liveWorkers.size, { timeout: 5000 }).toBe(0);
  });
});
