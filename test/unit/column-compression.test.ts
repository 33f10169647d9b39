import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { storesZstd, withColumnCompression, ZSTD_COLUMNS } from '../../src/engine/duckdb/import/column-compression.js';
import { tableElements } from '../../src/engine/duckdb/import/side-load.js';
import { tempDir } from '../helpers/cli.js';

describe('columns stored with a chosen compression', () => {
  it('adds the compression to the named columns only, whatever commas and quotes the other elements hold', () => {
    const elements = `"a,b" VARCHAR DEFAULT('x, y'), customer_id VARCHAR NOT NULL, counted BOOLEAN DEFAULT(CAST('t' AS BOOLEAN)), "customer_id2" VARCHAR, PRIMARY KEY(customer_id)`;
    expect(withColumnCompression('mail_events', elements)).toBe(
      `"a,b" VARCHAR DEFAULT('x, y'), customer_id VARCHAR NOT NULL USING COMPRESSION zstd, counted BOOLEAN DEFAULT(CAST('t' AS BOOLEAN)), "customer_id2" VARCHAR, PRIMARY KEY(customer_id)`);
    expect(withColumnCompression('purchases', elements)).toBe(elements);
  });

  it('names the same columns as sql/schema.sql', () => {
    // Each `CREATE TABLE ... (` of schema.sql, and the columns in it declared USING COMPRESSION zstd.
    const schema = readFileSync(new URL('../../sql/schema.sql', import.meta.url), 'utf8');
    const declared: Record<string, string[]> = {};
    let table = '';
    for (const line of schema.split('\n')) {
      table = /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(line)?.[1] ?? table;
      const column = /^\s*(\w+)\s.*USING COMPRESSION zstd/i.exec(line)?.[1];
      if (column) (declared[table] ??= []).push(column);
    }
    expect(declared).toEqual(ZSTD_COLUMNS);
  });

  it('stores the columns sql/schema.sql and the list name in that compression, and tables made like them too', async () => {
    const dir = tempDir();
    const db = await DuckDBEngine.open(join(dir, 'c.duckdb'));
    try {
      for (const [table, columns] of Object.entries(ZSTD_COLUMNS)) {
        // A table made again from DuckDB's text of the table (side tables, sorted copies).
        await db.run(`CREATE TABLE made_like(${await tableElements(db, table)})`);
        for (const target of [table, 'made_like']) {
          const described = await db.all<{ column_name: string; data_type: string }>(
            `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position`, { t: target });
          const values = described.map((c) => (c.data_type === 'VARCHAR' ? `'v' || (i * 7919 % 100003)` : c.data_type === 'TIMESTAMP' ? `TIMESTAMP '2024-01-01'` : `i::${c.data_type}`));
          await db.run(`INSERT INTO ${target} SELECT ${values.join(', ')} FROM range(20000) AS r(i)`);
          await db.run('CHECKPOINT');
          const stored = await db.all<{ column_name: string; compression: string }>(
            `SELECT DISTINCT column_name, compression FROM pragma_storage_info('${target}') WHERE segment_type = 'VARCHAR' AND compression <> 'Constant'`);
          for (const c of described.filter((d) => d.data_type === 'VARCHAR')) {
            const kinds = stored.filter((s) => s.column_name === c.column_name).map((s) => s.compression);
            if (columns.includes(c.column_name)) expect(kinds, `${target}.${c.column_name}`).toEqual(['ZSTD']);
            else expect(kinds, `${target}.${c.column_name}`).not.toContain('ZSTD');
          }
        }
        await db.run('DROP TABLE made_like');
      }
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the compression to DuckDB in a file of an older storage format, which has no ZSTD for strings', async () => {
    const dir = tempDir();
    const file = join(dir, 'old.duckdb');
    // As DuckDB writes a file by default (storage format v1.0), with the table an older Kumiwake made.
    const instance = await DuckDBInstance.create(file);
    const conn = await instance.connect();
    await conn.run('CREATE TABLE mail_events (customer_id VARCHAR NOT NULL, mail_id VARCHAR NOT NULL, event VARCHAR NOT NULL, occurred_at TIMESTAMP NOT NULL)');
    conn.closeSync();
    instance.closeSync();
    const old = await DuckDBEngine.open(file);
    const fresh = await DuckDBEngine.open(join(dir, 'new.duckdb'));
    try {
      expect(await storesZstd(old)).toBe(false);
      expect(await tableElements(old, 'mail_events')).not.toContain('COMPRESSION');
      expect(await storesZstd(fresh)).toBe(true);
      expect(await tableElements(fresh, 'mail_events')).toContain('customer_id VARCHAR NOT NULL USING COMPRESSION zstd');
    } finally {
      old.close();
      fresh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
