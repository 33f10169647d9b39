import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { customers, purchases } from '../../src/catalog/tables.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { tempDir } from '../helpers/cli.js';

// A key seen twice in one file keeps its last row, whether the file goes into an empty table
// (the direct path notices the repeat and stages the file) or is merged into stored rows.
describe('a key repeated within one file', () => {
  it('keeps the last row of the key, into an empty table and into stored rows', async () => {
    const dir = tempDir();
    const db = await DuckDBEngine.open(join(dir, 'k.duckdb'));
    try {
      writeFileSync(join(dir, 'c.csv'), 'customer_id,name\nC1,first\nC2,only\nC1,last\n');
      expect((await importFiles(db, { table: customers, files: [join(dir, 'c.csv')] })).rowsStored).toBe(2);
      expect(await db.all(`SELECT customer_id, name FROM customers ORDER BY customer_id`)).toEqual([
        { customer_id: 'C1', name: 'last' }, { customer_id: 'C2', name: 'only' }]);
      const header = 'order_id,line_no,customer_id,ordered_at,product_code,amount';
      writeFileSync(join(dir, 'p1.csv'), `${header}\nO1,1,C1,2025-01-01 10:00,P1,100\nO2,1,C2,2025-01-02 10:00,P1,200\n`);
      await importFiles(db, { table: purchases, files: [join(dir, 'p1.csv')] });
      writeFileSync(join(dir, 'p2.csv'), `${header}\nO1,1,C1,2025-01-01 10:00,P1,111\nO3,1,C2,2025-01-03 10:00,P2,300\nO1,1,C1,2025-01-01 10:00,P1,122\n`);
      await importFiles(db, { table: purchases, files: [join(dir, 'p2.csv')] });
      expect((await db.all<{ order_id: string; amount: number }>(`SELECT order_id, amount FROM purchases ORDER BY order_id`)).map((r) => [r.order_id, Number(r.amount)]))
        .toEqual([['O1', 122], ['O2', 200], ['O3', 300]]);
    } finally {
      db.close();
    }
  });
});
