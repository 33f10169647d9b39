import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { KumiwakeError } from '../../src/errors.js';
import { customers, purchases, type TableDef } from '../../src/catalog/tables.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { tempDir } from '../helpers/cli.js';

const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;
const RUNS = 600;

/** A small seeded generator, so that a failing case can be replayed from its number. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

const INSERTS = ['"', ',', '\n', '\r\n', '""', '\u0000', '\uFEFF', ';', '--', "'", 'ＡＢＣ', '2025-02-30', '¥1,000', 'DROP TABLE customers;', '\u00ff', '\ud83c\udf63'];

/** One to three byte-level or text-level edits of a valid file. */
function mutate(text: string, next: () => number): Buffer {
  let bytes = Buffer.from(text, 'utf8');
  const edits = 1 + Math.floor(next() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (bytes.length + 1));
    switch (Math.floor(next() * 6)) {
      case 0: bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(INSERTS[Math.floor(next() * INSERTS.length)]!, 'utf8'), bytes.subarray(at)]); break;
      case 1: bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + Math.floor(next() * 8))]); break;
      case 2: if (at < bytes.length) bytes[at] = Math.floor(next() * 256); break;
      case 3: bytes = bytes.subarray(0, at); break;
      case 4: { const lines = bytes.toString('latin1').split('\n'); const i = Math.floor(next() * lines.length); lines.splice(i, 0, lines[i]!); bytes = Buffer.from(lines.join('\n'), 'latin1'); break; }
      default: bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([0x82, 0xa0, 0x8e, 0x52]), bytes.subarray(at)]); break; // CP932 bytes
    }
  }
  return bytes;
}

describe('imports of mutated files', () => {
  let dir: string;
  let db: DuckDBEngine;
  beforeAll(async () => {
    dir = tempDir();
    db = await DuckDBEngine.open(join(dir, 'fuzz.duckdb'));
    await importFiles(db, { table: customers, files: [join(SHOP, 'customers.csv')] });
    await importFiles(db, { table: purchases, files: [join(SHOP, 'purchases.csv')] });
  });
  afterAll(() => db.close());

  const state = async () => JSON.stringify(await db.all(
    `SELECT (SELECT count(*) FROM customers)::INT AS c, (SELECT bit_xor(hash(x)) FROM customers x)::VARCHAR AS ch,
            (SELECT count(*) FROM purchases)::INT AS p, (SELECT bit_xor(hash(y)) FROM purchases y)::VARCHAR AS ph,
            (SELECT bit_xor(hash(z)) FROM customer_summary z)::VARCHAR AS sh`));

  it(`each of ${RUNS} mutated files loads or is refused with its file and a reason, changing nothing`, async () => {
    const bases: Array<[TableDef, string]> = [[customers, readFileSync(join(SHOP, 'customers.csv'), 'utf8')], [purchases, readFileSync(join(SHOP, 'purchases.csv'), 'utf8')]];
    let loaded = 0;
    let refused = 0;
    for (let run = 0; run < RUNS; run++) {
      const next = random(run + 1);
      const [table, text] = bases[run % 2]!;
      const file = join(dir, `mutant-${run}.csv`);
      writeFileSync(file, mutate(text, next));
      const before = await state();
      try {
        await importFiles(db, { table, files: [file], mode: next() < 0.5 ? 'upsert' : 'replace' });
        loaded++;
      } catch (error) {
        refused++;
        expect(error, `run ${run}: ${(error as Error).message}`).toBeInstanceOf(KumiwakeError);
        expect((error as Error).message, `run ${run}`).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(:\\d+)?: `));
        expect(await state(), `run ${run}: refused but changed`).toBe(before);
      }
    }
    expect(loaded).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
