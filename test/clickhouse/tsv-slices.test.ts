/**
 * The loader's slices (src/engine/clickhouse/tsv-slices.ts): DuckDB writes a table's lines to
 * files by rowid ranges, each handed to the sender while the next is written. Every row goes
 * exactly once, the files and their folder are gone afterwards, and a failed send stops the rest.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLICE_ROWS, sendTsvSlices } from '../../src/engine/clickhouse/tsv-slices.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';

const ROWS = 2 * SLICE_ROWS + 1234;

describe('sending a table in slices of lines', () => {
  let db: DuckDBEngine;
  let dir: string;
  beforeAll(async () => {
    db = await DuckDBEngine.open(':memory:');
    await db.run(`CREATE TABLE t AS SELECT range AS n, 'a' || chr(92) || chr(1) || '"b' AS text FROM range(${ROWS})`);
    dir = mkdtempSync(join(tmpdir(), 'kumiwake-slices-'));
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const lineOf = (where: string) => `SELECT CAST(n AS VARCHAR) || chr(9) || text AS line FROM t WHERE ${where}`;
  const read = async (body: AsyncIterable<Uint8Array>) => {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  };

  it('sends every row once, each line as DuckDB wrote it, and removes its files', async () => {
    const seen = new Uint8Array(ROWS);
    const odd: string[] = [];
    let sends = 0;
    await sendTsvSlices(db, 't', lineOf, async (body) => {
      sends++;
      const text = await read(body());
      for (const line of text.split('\n').slice(0, -1)) {
        const tab = line.indexOf('\t');
        // No quoting, no escaping: the select's line as it is.
        if (line.slice(tab + 1) !== 'a\\\u0001"b' && odd.length < 5) odd.push(line);
        seen[Number(line.slice(0, tab))]! += 1;
      }
    }, { folderPrefix: join(dir, 'ok-') });
    expect(odd).toEqual([]);
    expect(sends).toBe(3);
    expect(seen.every((times) => times === 1)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);

  it('a failed send stops the others and leaves no file', async () => {
    let sends = 0;
    const error = await sendTsvSlices(db, 't', lineOf, async (body, signal) => {
      sends++;
      if (sends === 1) throw new Error('shard refused');
      await read(body());
      expect(signal.aborted).toBe(false);
    }, { folderPrefix: join(dir, 'failing-') }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('shard refused');
    expect(sends).toBe(1); // the slice written meanwhile is not sent
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(dir, 'failing-'))).toBe(false);
  }, 120_000);
});
