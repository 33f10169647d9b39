/**
 * Hash joins whose build side does not fit the memory limit must stay exact. An import runs at
 * 400 MB and joins millions of rows (the customers the customers table lacks, an upsert's stored
 * rows), so a join that spills is its normal case. DuckDB's development line after 1.5.5 shipped a
 * hash join that, once its build side spilled, pushed a Bloom filter built from the first
 * partitions only into the probe side's scan and silently dropped the rows of the others
 * (duckdb #25702, #25909); 1.5.6, which we ship, is exact. These fail on a DuckDB that is not.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';

describe('hash joins that spill to disk', () => {
  let dir: string;
  let instance: DuckDBInstance;
  let db: DuckDBConnection;
  const count = async (query: string) => Number((await db.runAndReadAll(query)).getRows()[0]![0]);

  beforeAll(async () => {
    dir = tempDir();
    instance = await DuckDBInstance.create(join(dir, 'spill.duckdb'));
    db = await instance.connect();
  });
  afterAll(() => {
    db.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keep every row of a semi join whose build side spills (the upstream reproductions)', async () => {
    await db.run('CREATE TABLE t AS SELECT (i % 25)::INTEGER AS a FROM range(3000000) r(i)');
    await db.run('CREATE TABLE u AS SELECT (i % 25)::INTEGER AS b FROM range(3000000) r(i)');
    await db.run('CREATE TABLE build AS SELECT range % 2000 AS k FROM range(1000000)');
    await db.run('CREATE TABLE probe AS SELECT range % 4000 AS k FROM range(2000000)');
    await db.run('SET threads = 1');
    try {
      await db.run(`SET memory_limit = '60MB'`);
      expect(await count('SELECT count(*) FROM t WHERE a IN (SELECT b FROM u)')).toBe(3_000_000);
      await db.run(`SET memory_limit = '25MB'`);
      expect(await count('SELECT count(*) FROM probe WHERE k IN (SELECT k FROM build)')).toBe(1_000_000);
    } finally {
      await db.run('RESET threads');
      await db.run('RESET memory_limit');
    }
  });

  it('find exactly the rows naming a missing customer when the customers spill, as an import asks', async () => {
    // 1,000,000 customers C0..C999999; 3,000,000 events naming C(i mod 1,050,000): C1000000..C1049999
    // (no customer) twice each, 100,000 events.
    await db.run(`CREATE TABLE customers AS SELECT 'C' || i AS customer_id FROM range(1000000) r(i)`);
    await db.run(`CREATE TABLE events AS SELECT 'C' || (i % 1050000) AS customer_id FROM range(3000000) r(i)`);
    // Too small for the customers' hash table, and DuckDB told to take its external path anyway.
    await db.run(`SET memory_limit = '20MB'`);
    await db.run('SET debug_force_external = true');
    try {
      expect(await count(`SELECT count(*) FROM events AS e WHERE NOT EXISTS (SELECT 1 FROM customers AS c WHERE c.customer_id = e.customer_id)`)).toBe(100_000);
      expect(await count(`SELECT count(*) FROM events AS e WHERE e.customer_id IN (SELECT customer_id FROM customers)`)).toBe(2_900_000);
    } finally {
      await db.run('RESET debug_force_external');
      await db.run('RESET memory_limit');
    }
  });
});
