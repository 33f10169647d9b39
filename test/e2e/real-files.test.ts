import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { query, runCli, sharedData, tempDir } from '../helpers/cli.js';

const retail = join(sharedData, 'online-retail/online_retail.csv');
const mapping = new URL('../../data/mappings/uci-online-retail.json', import.meta.url).pathname;
const customersMapping = new URL('../../data/mappings/uci-online-retail-customers.json', import.meta.url).pathname;
const present = existsSync(retail);
if (!present) console.warn(`skipping the UCI Online Retail import test: ${retail} is absent (it lives in ../shared/, outside a user's clone)`);

describe.skipIf(!present)('UCI Online Retail, imported as purchases with data/mappings/uci-online-retail.json', () => {
  it('loads every line with a customer and reproduces the published clean-subset figures', async () => {
    const db = join(tempDir(), 'retail.duckdb');
    const r = runCli(['import', 'purchases', retail, '--mapping', mapping, '--db', db, '--json']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rowsRead: 541909, rowsSkipped: 135080, rowsLoaded: 406829, rowsRejected: 0, rowsStored: 406829, unknownCustomers: 4372 });
    const [clean] = await query<Record<string, number>>(
      db,
      `SELECT count(*)::INT AS lines, count(DISTINCT customer_id)::INT AS customers, count(DISTINCT order_id)::INT AS orders, sum(amount)::DOUBLE AS sales
       FROM purchases WHERE status IS DISTINCT FROM 'cancelled' AND counted AND quantity > 0 AND unit_price > 0`,
    );
    expect(clean).toMatchObject({ lines: 397884, customers: 4338, orders: 18532 });
    expect(clean!.sales).toBeCloseTo(8911407.904, 3);
    const [flags] = await query<Record<string, number>>(
      db,
      `SELECT count(*) FILTER (WHERE starts_with(order_id, 'C'))::INT AS c_lines, count(*) FILTER (WHERE status = 'cancelled')::INT AS cancelled,
              count(*) FILTER (WHERE NOT counted)::INT AS uncounted, count(DISTINCT "group:country")::INT AS countries FROM purchases`,
    );
    expect(flags!.c_lines).toBe(flags!.cancelled);
    expect(flags!.c_lines).toBe(8905);
    expect(flags!.countries).toBe(37);
  });

  it('loads the customers of the same file with data/mappings/uci-online-retail-customers.json, saying customers stored', async () => {
    const db = join(tempDir(), 'retail-customers.duckdb');
    const r = runCli(['import', 'customers', retail, '--mapping', customersMapping, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('customers: 541,909 rows read from 1 file (utf-8); 4,372 customers stored (new or updated)');
    expect(r.stdout).toContain('135,080 rows skipped');
    const [customers] = await query<Record<string, number>>(db, `SELECT count(*)::INT AS n, count(DISTINCT "attr:country")::INT AS countries FROM customers`);
    expect(customers).toEqual({ n: 4372, countries: 37 });
    const lines = runCli(['import', 'purchases', retail, '--mapping', mapping, '--db', db, '--json']);
    expect(lines.code, lines.stderr).toBe(0);
    expect(JSON.parse(lines.stdout)).toMatchObject({ rowsStored: 406829, unknownCustomers: 0 });
  });
});
