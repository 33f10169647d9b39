import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSampleData } from '../../src/index.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { totalsDiffer, type SummaryTotals } from '../../src/bench/hand-summaries.js';
import { kumiwakeTotals, summariesAgainstLines } from '../../src/bench/run-imports.js';
import { runCli, tempDir } from '../helpers/cli.js';

// The benchmark's second floor for the order lines (npm run bench): read_csv, then the summaries
// written by hand from the file, by SQL of their own. Their totals must be the import's, and after
// the benchmark's upsert the kept summaries must total what the stored lines hold.

const FLOOR = new URL('../../dist/bench/floor-child.js', import.meta.url).pathname;

describe('the hand-written summaries of the benchmark', () => {
  const dir = tempDir();
  const data = join(dir, 'shop');
  const db = join(dir, 'shop.duckdb');
  let floor: { seconds: number; summarySeconds: number; totals: SummaryTotals };

  beforeAll(async () => {
    await generateSampleData({ customers: 600, outDir: data, seed: 19, until: '2026-06-30', order: 'date' });
    for (const [table, file] of [['customers', 'customers.csv'], ['products', 'products.csv'], ['purchases', 'purchases.csv']] as const) {
      const r = runCli(['import', table, join(data, file), '--db', db]);
      expect(r.code, r.stderr).toBe(0);
    }
    const r = spawnSync(process.execPath, [FLOOR, join(data, 'purchases.csv'), join(dir, 'floor.duckdb'), join(data, 'products.csv')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    floor = JSON.parse(r.stdout);
  });

  it('time read_csv and the summaries apart, and total what the import keeps', async () => {
    expect(floor.seconds).toBeGreaterThan(0);
    expect(floor.summarySeconds).toBeGreaterThan(0);
    const kumiwake = await kumiwakeTotals(db);
    expect(totalsDiffer(kumiwake, floor.totals)).toEqual([]);
    // Not empty on both sides: the shop's cancelled lines are left out, its categories come from
    // the master where a line has none.
    expect(Number(floor.totals.customers)).toBeGreaterThan(300);
    expect(Number(floor.totals['customer x category rows'])).toBeGreaterThan(Number(floor.totals.customers));
  });

  it("find an upsert's summaries totalling what the stored lines hold", async () => {
    // A tenth of the orders again, amounts and quantities changed: the summaries move by the
    // touched orders' difference, and must still be the stored lines' figures.
    const changed = join(dir, 'changed.csv');
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run(`COPY (SELECT * REPLACE (CAST(CAST(amount AS BIGINT) + 7 AS VARCHAR) AS amount, CAST(CAST(quantity AS BIGINT) + 1 AS VARCHAR) AS quantity)
      FROM read_csv($file, all_varchar = true) WHERE hash(order_id) % 10 = 0) TO '${changed.replaceAll("'", "''")}' (FORMAT csv, HEADER true)`, { file: join(data, 'purchases.csv') });
    conn.closeSync();
    instance.closeSync();
    const r = runCli(['import', 'purchases', changed, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(await summariesAgainstLines(db)).toEqual([]);
    const moved = totalsDiffer(await kumiwakeTotals(db), floor.totals).map((d) => d.split(':')[0]);
    expect(moved).toEqual(["customers' sales", 'customer x product quantity', 'customer x category quantity']);
  });

  it('name each total the kept summaries disagree on', async () => {
    // The stored lines' total, as the kept summaries held it before (the test above).
    const orders = Number((await kumiwakeTotals(db))['customer x product orders']);
    const engine = await DuckDBEngine.open(db);
    try {
      await engine.run('UPDATE customer_products SET order_count = order_count + 1 WHERE rowid = (SELECT min(rowid) FROM customer_products)');
    } finally {
      engine.close();
    }
    expect(await summariesAgainstLines(db)).toEqual([`customer x product orders: kumiwake ${orders + 1}, hand-written ${orders}`]);
  });
});
