import { describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { UnknownCustomers } from '../../src/engine/duckdb/import/unknown-customers.js';
import { numberMissingCustomers } from '../../src/engine/duckdb/import/customer-numbers.js';
import { sideTableOf } from '../../src/engine/duckdb/import/side-load.js';

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

// A full load's rows are committed in a side table before the import finishes: its missing
// customers are counted there, lines against the customers table, events by the numbers they lack
// (the load gave each event its customer's number from the customers table).
describe('the unknown customers of rows a full load committed', () => {
  it('counts each customer of committed lines the customers table lacks once', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      await db.run(`INSERT INTO customers (customer_id) SELECT 'C' || i FROM range(0, 50) AS t(i)`);
      await db.run(`CREATE TABLE side AS SELECT 'C' || (i % 80) AS customer_id FROM range(0, 240) AS t(i)`);
      expect(await new UnknownCustomers(db).countCommitted('side')).toBe(30);
    } finally {
      db.close();
    }
  });

  it('counts the customers of events without a number once, then numbers those events from the dictionary in two transactions', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      const events = sideTableOf('mail_events');
      await db.run(`INSERT INTO customers (customer_id, customer_no) SELECT 'C' || i, i + 1 FROM range(0, 50) AS t(i)`);
      await db.run(`INSERT INTO customer_numbers SELECT customer_id, customer_no FROM customers`);
      // C60 is in the dictionary already (its events came before and it left the customers table).
      await db.run(`INSERT INTO customer_numbers VALUES ('C60', 1000)`);
      await db.run(`CREATE TABLE ${events} AS SELECT e.customer_id, 'M1' AS mail_id, 'open' AS event, TIMESTAMP '2026-01-01' + INTERVAL (i) MINUTE AS occurred_at, c.customer_no
        FROM (SELECT 'C' || (i % 80) AS customer_id, i FROM range(0, 240) AS t(i)) AS e LEFT JOIN customers AS c USING (customer_id)`);
      let transactions = 0;
      const inTransaction = (work: () => Promise<void>) => { transactions++; return db.transaction(work); };
      expect(await numberMissingCustomers(db, inTransaction)).toBe(30);
      expect(transactions).toBe(2);
      const [check] = await db.all<{ unnumbered: bigint; wrong: bigint; c60: number; numbers: bigint }>(`SELECT
          count(*) FILTER (WHERE e.customer_no IS NULL) AS unnumbered,
          count(*) FILTER (WHERE e.customer_no IS DISTINCT FROM n.customer_no) AS wrong,
          max(e.customer_no) FILTER (WHERE e.customer_id = 'C60') AS c60,
          (SELECT count(*) FROM customer_numbers) AS numbers
        FROM ${events} AS e LEFT JOIN customer_numbers AS n USING (customer_id)`);
      expect([Number(check!.unnumbered), Number(check!.wrong), check!.c60, Number(check!.numbers)]).toEqual([0, 0, 1000, 80]);
      expect(await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name LIKE 'kumiwake_missing%'`)).toEqual([]);
      // Every event numbered: nothing is read or written.
      expect(await numberMissingCustomers(db, inTransaction)).toBe(0);
      expect(transactions).toBe(2);
    } finally {
      db.close();
    }
  });
});
