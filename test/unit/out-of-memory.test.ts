/**
 * DuckDB's out-of-memory failures become OutOfMemoryError (a sentence naming the limit and the
 * setting to raise), the one of a commit included: a 300-column upsert at the edge of the
 * default limit failed at its commit, which DuckDB words differently, and was shown as
 * `internal error` (hostile-files.test.ts exercises a statement's).
 */
import { describe, expect, it } from 'vitest';
import { isOutOfMemory } from '../../src/engine/duckdb/engine.js';

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
