import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { products, purchases } from '../../src/catalog/tables.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { refreshDerivedTables } from '../../src/engine/duckdb/import/derived.js';
import { importFiles, type ImportResult } from '../../src/engine/duckdb/import/run-import.js';
import { storeSalesStatuses } from '../../src/segments/sales-statuses.js';
import { tempDir } from '../helpers/cli.js';
import { summaryText } from '../helpers/summaries.js';

// A small upsert brings the summaries up to date by the touched orders' difference (order-deltas.ts),
// recounting a customer from their lines only when a stored first / last order changed or went.
// Whatever the file does to the lines (moves them between customers, products and categories,
// cancels them, moves their times, ties two orders on time, adds orders), the summaries must be
// those a full rebuild gives.

const HEADER = 'order_id,line_no,customer_id,ordered_at,shipped_at,product_code,category,quantity,amount,status';

const lineArb = fc.record({
  customer: fc.integer({ min: 0, max: 5 }),
  day: fc.integer({ min: 1, max: 4 }), // few times: orders tie on time, broken by order id
  shipped: fc.option(fc.integer({ min: 1, max: 6 })),
  product: fc.integer({ min: 1, max: 5 }), // P1, P2 have master categories, P3 an empty one, P4, P5 none
  category: fc.constantFrom('', '', 'セール', '食品'),
  quantity: fc.constantFrom('', '1', '2', '5'),
  amount: fc.constantFrom('', '0', '100', '250.5', '999'),
  status: fc.constantFrom('ok', 'ok', 'ok', 'cancelled', "pend'ing"), // a quote: the sales basis is written into the SQL as values
});
type Line = typeof lineArb extends fc.Arbitrary<infer T> ? T : never;
const text = (order: number, no: number, l: Line) =>
  `O${order},${no},C${l.customer},2025-03-0${l.day} 10:00,${l.shipped === null ? '' : `2025-03-0${l.shipped} 12:00`},P${l.product},${l.category},${l.quantity},${l.amount},${l.status}`;

/** Orders of one to three lines; an order's lines mostly share its customer and time. */
const ordersArb = (first: number, count: { min: number; max: number }) => fc.array(
  fc.record({ head: lineArb, more: fc.array(fc.tuple(lineArb, fc.boolean()), { maxLength: 2 }) }),
  { minLength: count.min, maxLength: count.max },
).map((orders) => orders.flatMap(({ head, more }, i) => [
  text(first + i, 1, head),
  ...more.map(([l, own], j) => text(first + i, j + 2, own ? l : { ...l, customer: head.customer, day: head.day })),
]));

/** An upsert: lines of stored orders (same or other line numbers) and of new orders; columns it lacks keep their stored values. */
const upsertArb = fc.record({
  lacks: fc.subarray(['shipped_at', 'category', 'quantity', 'amount', 'status']),
  changed: fc.array(fc.record({ order: fc.integer({ min: 0, max: 59 }), no: fc.integer({ min: 1, max: 4 }), line: lineArb }), { minLength: 1, maxLength: 6 }),
  added: ordersArb(100, { min: 0, max: 2 }),
});

describe('an upsert\'s summaries by order differences', () => {
  it('equal a full rebuild for random upserts (moves, cancellations, time ties, new orders, missing columns, several files in one import, a sales basis)', async () => {
    const dir = tempDir();
    let run = 0;
    await fc.assert(fc.asyncProperty(ordersArb(0, { min: 60, max: 60 }), fc.array(upsertArb, { minLength: 1, maxLength: 2 }), fc.boolean(), fc.boolean(), async (base, upserts, together, salesBasis) => {
      const db = await DuckDBEngine.open(':memory:');
      let byDifference = false;
      const runStatement = db.run.bind(db);
      db.run = (statement, parameters) => {
        if (statement.includes('CREATE OR REPLACE TABLE kumiwake_new_order_lines')) byDifference = true;
        return runStatement(statement, parameters);
      };
      try {
        const file = (name: string, lines: string[], lacks: readonly string[] = []) => {
          const path = join(dir, `${run}-${name}.csv`);
          const kept = HEADER.split(',').map((c, i) => (lacks.includes(c) ? -1 : i)).filter((i) => i >= 0);
          const project = (row: string) => kept.map((i) => row.split(',')[i]).join(',');
          writeFileSync(path, `${[HEADER, ...lines].map(project).join('\n')}\n`);
          return path;
        };
        run++;
        writeFileSync(join(dir, 'products.csv'), 'product_code,category\nP1,食品\nP2,雑貨\nP3,\n');
        await importFiles(db, { table: products, files: [join(dir, 'products.csv')] });
        await importFiles(db, { table: purchases, files: [file('base', base)] });
        if (salesBasis) await storeSalesStatuses(db, ['ok', "pend'ing"]);
        const files = upserts.map((upsert, i) => {
          const lines = [...upsert.changed.map((c) => text(c.order, c.no, c.line)), ...upsert.added];
          return { path: file(`upsert-${i}`, lines, upsert.lacks), lines: lines.length };
        });
        // One import command per file, or one for all (the second file may change the first's orders).
        for (const group of together ? [files] : files.map((f) => [f])) {
          const result: ImportResult = await importFiles(db, { table: purchases, files: group.map((f) => f.path) });
          expect(result.rowsLoaded).toBe(group.reduce((n, f) => n + f.lines, 0));
        }
        expect(byDifference, 'the upsert took the order-difference path').toBe(true);
        const incremental = await summaryText(db);
        await db.transaction(() => refreshDerivedTables(db, 'purchases', 'all'));
        expect(incremental).toBe(await summaryText(db));
      } finally {
        db.close();
      }
    }), { numRuns: 30, endOnFailure: true });
  });
});
