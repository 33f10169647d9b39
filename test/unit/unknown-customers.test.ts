import { describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { UnknownCustomers } from '../../src/engine/duckdb/import/unknown-customers.js';

// An import's count of customers its lines name that the customers table lacks: exact whether
// the missing rows are made distinct in one pass or in hash partitions (many missing customers).
describe('the unknown customers of an import', () => {
  for (const rowsPerPass of [1_000_000, 7, 1]) {
    it(`counts each missing customer once, in passes of ${rowsPerPass} rows`, async () => {
      const db = await DuckDBEngine.open(':memory:');
      try {
        await db.run(`INSERT INTO customers (customer_id) SELECT 'C' || i FROM range(0, 50) AS t(i)`);
        // Lines of customers C0..C79, each named 3 times: C50..C79 are missing (30 customers).
        await db.run(`CREATE TABLE lines AS SELECT 'C' || (i % 80) AS customer_id FROM range(0, 240) AS t(i)`);
        const unknown = new UnknownCustomers(db, rowsPerPass);
        await unknown.start();
        await unknown.note('lines');
        await unknown.note(`(SELECT 'C1' AS customer_id UNION ALL SELECT 'X9')`);
        expect(await unknown.finish()).toBe(31);
        expect(await db.all(`SELECT table_name FROM information_schema.tables WHERE table_name = '${UnknownCustomers.TABLE}'`)).toEqual([]);
      } finally {
        db.close();
      }
    });
  }
});
