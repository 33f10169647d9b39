import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseBusyError, DiskFullError } from '../../src/errors.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { QueryError } from '../../src/engine/engine.js';
import { RunHistory } from '../../src/jobs/history.js';
import { tempDir } from '../helpers/cli.js';

describe('the DuckDB engine behind the Engine interface', () => {
  it('raises a QueryError carrying the statement and its parameters, with DuckDB\'s own message', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      const error = await db.query({ sql: 'SELECT no_such_column FROM customers WHERE customer_id = $1', parameters: ['C001'] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueryError);
      expect(error).toMatchObject({ code: 'query-failed', sql: 'SELECT no_such_column FROM customers WHERE customer_id = $1', parameters: ['C001'] });
      expect((error as Error).message).toMatch(/no_such_column/);
    } finally {
      db.close();
    }
  });

  it.skipIf(!existsSync('/dev/full'))('says the disk is full, naming the file DuckDB could not write, rather than an internal error', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      const failed = await db.run(`COPY (SELECT range FROM range(1000000)) TO '/dev/full' (FORMAT csv)`).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(DiskFullError);
      expect(failed).toMatchObject({ code: 'disk-full', exitCode: 1, path: '/dev/full' });
      expect((failed as Error).message).toBe('no space left on the device: could not write /dev/full. Free some space on it and run the command again.');
    } finally {
      db.close();
    }
  });

  it('says the disk is full, naming the spill folder, when what it spills outgrows the folder\'s limit (not: raise the memory limit)', async () => {
    const dir = tempDir();
    const file = join(dir, 'spill.duckdb');
    const db = await DuckDBEngine.open(file, { memoryLimit: '64MB' });
    try {
      // DuckDB's default limit is 90% of the free disk space; a small one stands for a full disk.
      await db.run(`SET max_temp_directory_size = '1MB'`);
      const failed = await db.all('SELECT count(*) FROM (SELECT * FROM range(20000000) AS r(i) ORDER BY hash(i))').catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(DiskFullError);
      expect(failed).toMatchObject({ code: 'disk-full', path: `${file}.tmp` });
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the columns of its tables, and keeps schema marks', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      const columns = await db.introspect();
      expect(columns).toContainEqual({ table: 'customers', column: 'customer_id', type: 'VARCHAR' });
      expect(await db.hasSchemaMark('sample_data')).toBe(false);
      await db.setSchemaMark('sample_data');
      expect(await db.hasSchemaMark('sample_data')).toBe(true);
    } finally {
      db.close();
    }
  });

  it('opens with the memory settings that keep an import under 1 GB: the limit, and the allocator handing freed memory back', async () => {
    // The 3x imports' peak (884 MB purchases, 822 MB mail events, shuffled) was 927 / 893 MB
    // without the allocator's background threads; nothing at this size can show it, so the setting is checked.
    const db = await DuckDBEngine.open(':memory:');
    try {
      const settings = await db.all<{ name: string; value: string }>(
        `SELECT name, value FROM duckdb_settings() WHERE name IN ('allocator_background_threads', 'memory_limit') ORDER BY name`);
      expect(settings.map((s) => s.name)).toEqual(['allocator_background_threads', 'memory_limit']);
      expect(settings[0]!.value).toBe('true');
      expect(settings[1]!.value).toMatch(/^38\d\.\d MiB$/); // 400 MB as DuckDB writes it
    } finally {
      db.close();
    }
  });

  it('keeps a failed statement with the job run in the history', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      const history = new RunHistory(db);
      const runId = await history.start({ job: 'weekly', segment: 'dormant', trigger: 'manual' });
      const failure = new QueryError('Binder Error: no such column', 'SELECT x FROM t WHERE a = $1', [[1, 2, 3], 7n]);
      await history.finish(runId, { status: 'failed', files: [], error: failure.message, failedQuery: { sql: failure.sql, parameters: failure.parameters } });
      const [run] = await history.list({ job: 'weekly' });
      expect(run).toMatchObject({ status: 'failed', error: 'Binder Error: no such column', failedQuery: { sql: 'SELECT x FROM t WHERE a = $1', parameters: [[1, 2, 3], 7] } });
    } finally {
      db.close();
    }
  });
});

describe('one process opening a database file twice', () => {
  it('waits for the first opening to close, and says it is this process when it never does', async () => {
    const file = join(tempDir(), 'twice.duckdb');
    const first = await DuckDBEngine.open(file);
    const busy = await DuckDBEngine.open(file, { lockTimeoutMs: 300, onWait: () => {} }).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(DatabaseBusyError);
    expect((busy as Error).message).toContain(`${file} is held by this process (an earlier opening not yet closed)`);
    const waiting = DuckDBEngine.open(file, { lockTimeoutMs: 10_000, onWait: () => {} });
    await new Promise((r) => setTimeout(r, 200));
    await first.run(`INSERT INTO segments (name, definition, saved_at) VALUES ('written-first', '{}', TIMESTAMP '2026-12-03 00:00')`);
    first.close();
    const second = await waiting;
    try {
      expect(await second.query({ sql: `SELECT name FROM segments`, parameters: [] })).toEqual([{ name: 'written-first' }]);
    } finally {
      second.close();
    }
  });

  it('lets only one of two openings started together go ahead', async () => {
    const file = join(tempDir(), 'together.duckdb');
    const [first, second] = await Promise.allSettled([DuckDBEngine.open(file), DuckDBEngine.open(file, { lockTimeoutMs: 300, onWait: () => {} })]);
    expect(first.status).toBe('fulfilled');
    expect(second.status === 'rejected' && second.reason).toBeInstanceOf(DatabaseBusyError);
    if (first.status === 'fulfilled') first.value.close();
  });
});
