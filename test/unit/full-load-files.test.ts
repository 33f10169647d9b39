import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { customers, mailEvents, products, purchases } from '../../src/catalog/tables.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { tempDir } from '../helpers/cli.js';
import { summaryText } from '../helpers/summaries.js';

// A cart exports its orders a month to a file: a full load of several files goes into the side
// table straight from the reader, file after file, and must end as the same lines in one file
// would, with a key the files repeat keeping its last file's row.

const HEADER = 'order_id,line_no,customer_id,ordered_at,product_code,quantity,amount';
/** The rows without their second column (line_no). */
const noLineNo = (rows: string[]) => rows.map((r) => r.split(',').filter((_, i) => i !== 1).join(','));
/** Orders `from`..`to` - 1, two lines each, one month of 2025 per ten orders. */
const orders = (from: number, to: number, amount = 100) => Array.from({ length: to - from }, (_, i) => from + i).flatMap((o) =>
  [1, 2].map((no) => `O${o},${no},C${o % 9},2025-${String(1 + Math.floor(o / 10) % 12).padStart(2, '0')}-1${o % 10} 10:00,P${1 + ((o + no) % 3)},${no},${amount + o}`));

describe('a full load of several files', () => {
  let dir: string;
  let db: DuckDBEngine;
  let loaded: { file: string; path: string }[];
  const write = (name: string, rows: string[]) => {
    writeFileSync(join(dir, name), `${rows.join('\n')}\n`);
    return join(dir, name);
  };
  const logger = { debug: (fields: object, message: string) => { if (message === 'file loaded') loaded.push(fields as { file: string; path: string }); }, info: () => {}, warn: () => {}, error: () => {} };
  const lineText = async () => JSON.stringify(await db.all('SELECT * FROM purchases ORDER BY order_id, line_no'), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));

  beforeEach(async () => {
    dir = tempDir();
    loaded = [];
    db = await DuckDBEngine.open(join(dir, 'f.duckdb'));
    await importFiles(db, { table: customers, files: [write('customers.csv', ['customer_id', ...Array.from({ length: 8 }, (_, c) => `C${c}`)])] });
    await importFiles(db, { table: products, files: [write('products.csv', ['product_code,category', 'P1,食品', 'P2,食品', 'P3,雑貨'])] });
  });
  afterEach(() => db.close());

  it('loads every file of purchases straight from the reader, with the lines and summaries of the same lines in one file', async () => {
    const files = [write('m1.csv', [HEADER, ...orders(0, 40)]), write('m2.csv', [HEADER, ...orders(40, 80)]), write('m3.csv', [HEADER, ...orders(80, 120)])];
    const result = await importFiles(db, { table: purchases, files, logger });
    expect(loaded.map((f) => f.path)).toEqual(['direct', 'direct', 'direct']);
    expect([result.rowsRead, result.rowsStored, result.unknownCustomers]).toEqual([240, 240, 1]);
    const several = { lines: await lineText(), summaries: await summaryText(db) };
    await importFiles(db, { table: purchases, files: [write('all.csv', [HEADER, ...orders(0, 120)])], mode: 'replace' });
    expect({ lines: await lineText(), summaries: await summaryText(db) }).toEqual(several);
  });

  it("keeps the last file's row of a key two files repeat, as one staged load does", async () => {
    // Orders 30..39 are in both files, with other amounts in the second.
    const files = [write('m1.csv', [HEADER, ...orders(0, 40)]), write('m2.csv', [HEADER, ...orders(30, 60, 5000)])];
    const result = await importFiles(db, { table: purchases, files, logger });
    // The direct load found the repeated key after the last file; the import ran again, staged.
    expect(loaded.map((f) => f.path)).toEqual(['direct', 'direct', 'staged', 'staged']);
    expect([result.rowsRead, result.rowsStored]).toEqual([140, 140]);
    const [o35] = await db.all<{ amount: number }>(`SELECT amount FROM purchases WHERE order_id = 'O35' AND line_no = 1`);
    expect(Number(o35!.amount)).toBe(5035);
    const [n] = await db.all<{ n: bigint }>('SELECT count(*) AS n FROM purchases');
    expect(Number(n!.n)).toBe(120);
  });

  // A file without line_no numbers each order's lines in the file (a staged load, forced here by
  // --max-rejects, is the reference); an order in two files keeps its last file's lines.
  for (const spanning of [false, true]) {
    it(`numbers the lines of files without line_no each in its own file${spanning ? ', an order in two files keeping its last one' : ''}`, async () => {
      const bodies = spanning ? [orders(0, 40), orders(39, 60, 7000), orders(59, 90, 9000)] : [orders(0, 40), orders(40, 60), orders(60, 90)];
      const files = bodies.map((b, i) => write(`n${i}.csv`, noLineNo([HEADER, ...b])));
      await importFiles(db, { table: purchases, files, logger });
      expect(loaded.slice(0, 3).map((f) => f.path)).toEqual(['direct', 'direct', 'direct']);
      expect(loaded.slice(3).map((f) => f.path)).toEqual(spanning ? ['staged', 'staged', 'staged'] : []);
      const direct = { lines: await lineText(), summaries: await summaryText(db) };
      await importFiles(db, { table: purchases, files, mode: 'replace', maxRejects: 1 });
      expect({ lines: await lineText(), summaries: await summaryText(db) }).toEqual(direct);
      const [n] = await db.all<{ n: bigint; o59: bigint; amount: number }>(`SELECT count(*) AS n, count(*) FILTER (WHERE order_id = 'O59') AS o59,
        max(amount) FILTER (WHERE order_id = 'O59') AS amount FROM purchases`);
      expect([Number(n!.n), Number(n!.o59), Number(n!.amount)]).toEqual([180, 2, spanning ? 9059 : 159]);
    });
  }

  it('looks for a key a direct file repeats when a later file is staged (its rows skipped by the mapping, without line_no)', async () => {
    const mapping = write('mapping.json', [JSON.stringify({ skipIfEmpty: ['customer_id'] })]);
    const first = write('k1.csv', [HEADER, 'O1,1,C1,2025-01-01 10:00,P1,1,100', 'O1,1,C1,2025-01-01 10:00,P1,1,150', 'O2,1,C2,2025-01-02 10:00,P2,1,200']);
    const second = write('k2.csv', noLineNo([HEADER, 'O3,0,C3,2025-02-01 10:00,P1,1,300', 'O4,0,,2025-02-02 10:00,P1,1,400']));
    const result = await importFiles(db, { table: purchases, files: [first, second], mappingFile: mapping, logger });
    // k1 went in directly and k2 was staged; the repeat in k1 then had the import run again, staged.
    expect(loaded.map((f) => f.path)).toEqual(['direct', 'staged', 'staged', 'staged']);
    expect([result.rowsRead, result.rowsSkipped, result.rowsStored]).toEqual([5, 1, 3]);
    expect(await db.all(`SELECT order_id, line_no::INTEGER AS line_no, amount FROM purchases ORDER BY order_id`)).toEqual([
      { order_id: 'O1', line_no: 1, amount: 150 }, { order_id: 'O2', line_no: 1, amount: 200 }, { order_id: 'O3', line_no: 1, amount: 300 },
    ]);
  });

  it('loads every file of mail events straight from the reader, an event in two files stored once', async () => {
    const header = 'customer_id,mail_id,event,occurred_at';
    const files = [
      write('e1.csv', [header, 'C1,M1,open,2025-05-01 10:00', 'C2,M1,open,2025-05-01 11:00']),
      write('e2.csv', [header, 'C2,M1,open,2025-05-01 11:00', 'C9,M2,click,2025-06-01 10:00']),
    ];
    const result = await importFiles(db, { table: mailEvents, files, logger });
    expect(loaded.map((f) => f.path)).toEqual(['direct', 'direct']);
    expect([result.rowsRead, result.rowsStored, result.unknownCustomers]).toEqual([4, 3, 1]);
    const [n] = await db.all<{ n: bigint; unnumbered: bigint }>('SELECT count(*) AS n, count(*) FILTER (WHERE customer_no IS NULL) AS unnumbered FROM mail_events');
    expect([Number(n!.n), Number(n!.unnumbered)]).toEqual([3, 0]);
  });
});
