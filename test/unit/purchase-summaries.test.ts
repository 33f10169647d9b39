import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { purchases } from '../../src/catalog/tables.js';
import { refreshDerivedTables, summaryScope } from '../../src/engine/duckdb/import/derived.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { tempDir } from '../helpers/cli.js';
import { summaryText } from '../helpers/summaries.js';

const HEADER = 'order_id,line_no,customer_id,ordered_at,product_code,category,quantity,amount,status';
const line = (order: number, no: number, customer: number, day: number, product: number, amount: number, status = '完了') =>
  `O${order},${no},C${String(customer).padStart(3, '0')},2024-${String(1 + (day % 12)).padStart(2, '0')}-${String(1 + (day % 28)).padStart(2, '0')} 10:00,P${product},${product % 3 === 0 ? 'サプリ' : ''},${1 + (order % 3)},${amount},${status}`;

describe('purchase summaries kept by imports', () => {
  let dir: string;
  let db: DuckDBEngine;
  beforeAll(async () => {
    dir = tempDir();
    db = await DuckDBEngine.open(join(dir, 's.duckdb'));
    const lines = [HEADER];
    for (let order = 0; order < 150; order++) {
      for (let no = 1; no <= 2; no++) lines.push(line(order, no, order % 40, order, (order * no) % 7, 1000 + order * 10));
    }
    lines.push(line(999, 1, 77, 3, 1, 500)); // customer C077's only line: the upsert moves it away
    writeFileSync(join(dir, 'a.csv'), `${lines.join('\n')}\n`);
    await importFiles(db, { table: purchases, files: [join(dir, 'a.csv')] });
  });
  afterAll(() => db.close());

  it('update the summaries by the touched orders on a small upsert, with the same result as a full rebuild', async () => {
    const changed = [
      HEADER,
      line(999, 1, 78, 3, 1, 500), // moved from C077 to C078
      line(5, 1, 5, 5, 2, 99999), // new amount
      line(6, 2, 6, 6, 3, 1060, 'キャンセル'), // cancelled
      line(500, 1, 3, 11, 4, 700), // a new order of an existing customer
      line(501, 1, 90, 12, 6, 800), // a new customer
    ];
    writeFileSync(join(dir, 'b.csv'), `${changed.join('\n')}\n`);
    // The scope the import will choose: a small upsert into a built table touches some customers only.
    await db.transaction(async () => {
      await db.run('CREATE TABLE kumiwake_touched_orders (order_id VARCHAR)');
      expect(await summaryScope(db, 'upsert', 5)).toBe('touched');
      expect(await summaryScope(db, 'replace', 5)).toBe('all');
      expect(await summaryScope(db, 'upsert', 200)).toBe('all');
      await db.run('DROP TABLE kumiwake_touched_orders');
    });
    await importFiles(db, { table: purchases, files: [join(dir, 'b.csv')] });
    const incremental = await summaryText(db);
    expect(incremental).not.toMatch(/"C077"/);
    expect(incremental).toMatch(/"customer_id":"C090"/);
    await db.transaction(() => refreshDerivedTables(db, 'purchases', 'all'));
    expect(incremental).toBe(await summaryText(db));
  });
});
