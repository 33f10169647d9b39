/**
 * DuckDB's out-of-memory failures become OutOfMemoryError (a sentence naming the limit and the
 * setting to raise), the one of a commit included: a 300-column upsert at the edge of the
 * default limit failed at its commit, which DuckDB words differently, and was shown as
 * `internal error` (hostile-files.test.ts exercises a statement's).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBEngine, isOutOfMemory, WRITING_MEMORY_LIMIT } from '../../src/engine/duckdb/engine.js';
import { OutOfMemoryError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';

describe('out of memory, as DuckDB words it', () => {
  it('is recognised in a statement and at a commit', () => {
    expect(isOutOfMemory('Out of Memory Error: failed to pin block of size 256.0 KiB (381.3 MiB/381.4 MiB used)')).toBe(true);
    expect(isOutOfMemory('TransactionContext Error: Failed to commit: failed to pin block of size 256.0 KiB (381.2 MiB/381.4 MiB used)\n\nPossible solutions:')).toBe(true);
    expect(isOutOfMemory('TransactionContext Error: Failed to commit: Out of Memory Error: failed to allocate block of size 256.0 KiB')).toBe(true);
    expect(isOutOfMemory('TransactionContext Error: Failed to commit: could not allocate block of size 256.0 KiB (142.9 MiB/143.0 MiB used)')).toBe(true);
  });

  it('is not any other failure of a commit or a statement', () => {
    expect(isOutOfMemory('TransactionContext Error: Failed to commit: PRIMARY KEY or UNIQUE constraint violated')).toBe(false);
    expect(isOutOfMemory('Binder Error: Referenced column "x" not found')).toBe(false);
    expect(isOutOfMemory('Conversion Error: Could not convert string "failed to pin block" to INT32')).toBe(false);
  });
});

describe('a lowered memory limit inside a transaction', () => {
  const limitNow = async (db: DuckDBEngine) => (await db.all<{ limit: string }>("SELECT current_setting('memory_limit') AS limit"))[0]!.limit;

  it('lets the failure of its work through, and is put back after the rollback', async () => {
    const db = await DuckDBEngine.open(join(tempDir(), 'limit.duckdb'));
    try {
      const before = await limitNow(db);
      // DuckDB takes no SET in a transaction a failed statement aborted: putting the limit back
      // there failed with "Current transaction is aborted", shown as `internal error` instead of
      // the sentence naming the setting (a 3x import whose product summary ran out of memory).
      const failure = await db.transaction(() => db.withMemoryLimit('32MB', () =>
        db.run('SELECT count(*) FROM (SELECT i % 10000000 AS g, count(*) FROM range(20000000) AS t(i) GROUP BY g)'), 'KUMIWAKE_MEMORY_LIMIT')).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(OutOfMemoryError);
      expect((failure as Error).message).toMatch(/32MB/);
      expect((failure as Error).message).toMatch(/KUMIWAKE_MEMORY_LIMIT/);
      expect(await limitNow(db)).toBe(before);
      expect(db.memoryLimit).toBe(WRITING_MEMORY_LIMIT);
      // Any other failure comes through as itself too.
      const other = await db.transaction(() => db.withMemoryLimit('64MB', () => db.run("SELECT error('the work failed')"))).catch((e: unknown) => e);
      expect((other as Error).message).toMatch(/the work failed/);
      expect(await limitNow(db)).toBe(before);
      // Outside a failure the limit is lowered for the work only.
      const during = await db.transaction(() => db.withMemoryLimit('64MB', () => limitNow(db)));
      expect(during).not.toBe(before);
      expect(await limitNow(db)).toBe(before);
    } finally {
      db.close();
    }
  });
});
