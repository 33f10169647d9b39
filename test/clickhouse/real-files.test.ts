/**
 * Real data on a two-shard ClickHouse cluster, through the CLI as a user runs it: the UCI Online
 * Retail export (541,909 lines, English headers, cancellations as `C…` invoices) imported with the
 * repository's mapping files, customers and order lines, into the cluster and into a DuckDB file;
 * then segments of every purchase kind count the same customers with the same reach, and a list
 * with lifetime figures is the same file. The data lives in ../shared/ (outside a user's clone):
 * without it the test skips with a message. Needs dist/.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync, sharedData, tempDir } from '../helpers/cli.js';
import { clickhouseMissing, startServers, type Servers } from './servers.js';

const retail = join(sharedData, 'online-retail/online_retail.csv');
const mapping = new URL('../../data/mappings/uci-online-retail.json', import.meta.url).pathname;
const customersMapping = new URL('../../data/mappings/uci-online-retail-customers.json', import.meta.url).pathname;
const present = existsSync(retail);
if (!present) console.warn(`skipping the ClickHouse real-data test: ${retail} is absent (it lives in ../shared/, outside a user's clone)`);
const missing = present ? clickhouseMissing() : undefined;
const AS_OF = '2011-12-31';

const DEFINITIONS: Record<string, unknown> = {
  repeaters: { kind: 'purchases', orderCount: { min: 2 } },
  'spent in the first half of 2011': { kind: 'purchases', window: { from: '2011-01-01', to: '2011-06-30' }, sales: { min: 1000 } },
  'bought the heart holder, never the cake stand': { kind: 'purchases', products: [{ products: ['85123A'], count: { min: 1 } }, { products: ['22423'], count: { min: 0, max: 0 } }] },
  'bought 24+ of the heart holder': { kind: 'purchases', products: [{ products: ['85123A'], unit: 'quantity', count: { min: 24 } }] },
  'ordered from France or Germany': { kind: 'purchases', groups: { country: ['France', 'Germany'] }, orderCount: { min: 1 } },
  'lapsed 90 days': { kind: 'purchases', lastOrderedAt: { to: 'today-90d' } },
  'UK customers without a cancellation': { all: [{ kind: 'field', field: 'attr:country', op: 'eq', value: 'United Kingdom' }, { not: { kind: 'purchases', statuses: ['cancelled'], orderCount: { min: 1 } } }] },
  champions: { kind: 'rfm', cell: 'champions' },
  'first order in 2011, at least 5 orders': { kind: 'purchases', firstOrderedAt: { from: '2011-01-01' }, orderCount: { min: 5 } },
};

describe.skipIf(!present || missing !== undefined)('UCI Online Retail on a two-shard ClickHouse cluster = on a DuckDB file', () => {
  let servers: Servers;
  let dir: string;
  let click: Record<string, string>;
  let duck: Record<string, string>;

  beforeAll(async () => {
    servers = await startServers();
    dir = tempDir('kumiwake-ch-real-');
    click = { KUMIWAKE_ENGINE: servers.engineUrl('retail'), KUMIWAKE_DB: join(dir, 'state.duckdb'), KUMIWAKE_LOG_LEVEL: 'warn' };
    duck = { KUMIWAKE_DB: join(dir, 'duck.duckdb'), KUMIWAKE_LOG_LEVEL: 'warn' };
    expect((await runCliAsync(['cluster', 'init'], click)).code).toBe(0);
  }, 600_000);
  afterAll(async () => {
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('imports the customers and the order lines with the mapping files, storing what DuckDB stores', async () => {
    for (const [table, map] of [['customers', customersMapping], ['purchases', mapping]] as const) {
      const [d, c] = [await runCliAsync(['import', table, retail, '--mapping', map, '--json'], duck), await runCliAsync(['import', table, retail, '--mapping', map, '--json'], click)];
      expect(d.code, d.stderr).toBe(0);
      expect(c.code, c.stderr).toBe(0);
      const stored = (out: string) => {
        const { rowsRead, rowsSkipped, rowsLoaded, rowsStored, unknownCustomers } = JSON.parse(out) as Record<string, unknown>;
        return { rowsRead, rowsSkipped, rowsLoaded, rowsStored, unknownCustomers };
      };
      expect(stored(c.stdout), table).toEqual(stored(d.stdout));
    }
  }, 600_000);

  it('counts segments of every purchase kind, RFM and attributes as DuckDB does', async () => {
    let nonEmpty = 0;
    for (const [name, where] of Object.entries(DEFINITIONS)) {
      const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.json`);
      writeFileSync(file, JSON.stringify({ version: 1, name: 'real', where }));
      const count = async (env: Record<string, string>) => {
        const r = await runCliAsync(['count', file, '--as-of', AS_OF, '--json'], env);
        expect(r.code, `${name}: ${r.stderr}`).toBe(0);
        const { count: n, reachable, warnings } = JSON.parse(r.stdout) as { count: number; reachable: unknown; warnings: unknown };
        return { count: n, reachable, warnings };
      };
      const [d, c] = [await count(duck), await count(click)];
      expect(c, name).toEqual(d);
      if (d.count > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(8);
  }, 600_000);

  it('writes the same list with lifetime figures, sorted by sales', async () => {
    const file = join(dir, 'top.json');
    writeFileSync(file, JSON.stringify({ version: 1, name: 'top', where: DEFINITIONS.repeaters }));
    const args = (out: string) => ['export', file, '--as-of', AS_OF, '--out', out, '--columns', 'customer_id,attr:country,order_count,total_sales,first_ordered_at,last_ordered_at', '--sort', 'total_sales:desc', '--limit', '500'];
    const [outD, outC] = [join(dir, 'top-duck.csv'), join(dir, 'top-click.csv')];
    for (const [env, out] of [[duck, outD], [click, outC]] as const) {
      const r = await runCliAsync(args(out), env);
      expect(r.code, r.stderr).toBe(0);
    }
    const text = readFileSync(outC, 'utf8');
    expect(text.trim().split(/\r?\n/)).toHaveLength(501);
    expect(text).toBe(readFileSync(outD, 'utf8'));
  }, 300_000);
});
