import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleData, openWorkspace } from '../../src/index.js';
import { initClickHouse } from '../../src/api/clickhouse.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { benchCounts, type CountFigure } from '../../src/bench/run-counts.js';
import { benchClickHouse, clickHouseAgrees, clickHouseReport, type ClickHouseFigures } from '../../src/bench/run-clickhouse.js';
import { benchSegments } from '../../src/bench/segments.js';
import { query, tempDir } from '../helpers/cli.js';
import { clickhouseMissing, serverQuery, startServers, type Servers } from './servers.js';

// The ClickHouse part of the benchmark (npm run bench -- --engine clickhouse) on a small
// generated shop: every bench segment counted on local 18.16 servers (a cluster of 1 shard, then
// of 2) and on a given cluster gives DuckDB's count, with each shard's rows, time and memory.

const missing = clickhouseMissing();
const UNTIL = '2026-10-31';
const CUSTOMERS = 3000;

describe.skipIf(missing !== undefined)('the ClickHouse part of npm run bench', () => {
  let dir: string;
  let dbPath: string;
  let duckdb: CountFigure[];
  let purchases: number;
  const asOf = parseLocalDate(UNTIL)!;

  beforeAll(async () => {
    dir = tempDir();
    dbPath = join(dir, 'shop.duckdb');
    const files = await generateSampleData({ customers: CUSTOMERS, outDir: dir, seed: 11, until: UNTIL });
    const workspace = await openWorkspace({ db: dbPath });
    try {
      for (const [table, file] of [['customers', files.customers], ['products', files.products], ['purchases', files.purchases], ['mails', files.mails], ['mail-events', files.mailEvents]] as const) {
        await workspace.import({ table, files: [file] });
      }
    } finally {
      await workspace.close();
    }
    purchases = Number((await query<{ n: bigint }>(dbPath, 'SELECT count(*) AS n FROM purchases'))[0]!.n);
    duckdb = await benchCounts(dbPath, asOf, 1, () => undefined);
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const expectDuckDBCounts = (figures: ClickHouseFigures) => {
    for (const setup of figures.setups) {
      expect(setup.segments.map((s) => [s.name, s.count]), setup.label).toEqual(duckdb.map((d) => [d.name, d.count]));
    }
    expect(clickHouseAgrees(figures, duckdb)).toBe(true);
  };

  it('starts 1 and then 2 local shards of one thread each, and counts every segment as DuckDB does; each shard reports its rows, time and memory', async () => {
    const figures = await benchClickHouse({ duckdbPath: dbPath, asOf, runs: 1, engine: 'clickhouse', maxThreads: 1, workDir: join(dir, 'work'), duckdb, log: () => undefined });
    if ('skipped' in figures) throw new Error(figures.skipped);
    expect(figures.server).toMatch(/^ClickHouse 18\.16/);
    expect(figures.setups.map((s) => [s.label, s.shards, s.maxThreads])).toEqual([['1 shard', 1, ['1']], ['2 shards', 2, ['1', '1']]]);
    expect(duckdb.map((d) => d.name)).toEqual(benchSegments.map((s) => s.name));
    // The suite selects someone in most segments, so equal counts say something.
    expect(duckdb.filter((d) => d.count > 0).length).toBeGreaterThanOrEqual(9);
    expectDuckDBCounts(figures);
    for (const setup of figures.setups) {
      expect(setup.load.find((l) => l.table === 'customers')?.rows).toBe(CUSTOMERS);
      expect(setup.load.find((l) => l.table === 'purchases')?.rows).toBe(purchases);
      expect(setup.disk.find((d) => d.table === 'purchases')?.rows, 'purchases on disk').toBe(purchases);
      expect(setup.disk.find((d) => d.table === 'customers')?.bytesOnDisk).toBeGreaterThan(0);
      expect(setup.loadAverage).toHaveLength(2);
      expect(setup.perShard.map((p) => p.shard)).toEqual(setup.shards === 1 ? [1] : [1, 2]);
      expect(setup.perShard.reduce((n, p) => n + p.customers, 0)).toBe(CUSTOMERS);
      for (const p of setup.perShard) {
        expect(p.customers, `${setup.label} shard ${p.shard}`).toBeGreaterThan(CUSTOMERS / 4);
        expect(p.rowsRead).toBeGreaterThan(CUSTOMERS);
        expect(p.rowsPerSecond).toBeGreaterThan(0);
        expect(p.peakMemoryBytes).toBeGreaterThan(0);
      }
      for (const segment of setup.segments) expect(segment.shards.map((s) => s.shard), segment.name).toEqual(setup.perShard.map((p) => p.shard));
    }
    // Rows scanned count what the IN sets read: a windowed leaf reads every customer and every
    // order line (granules of 8,192 rows: up to one part's last granule more per part), split over
    // two shards; a lifetime leaf reads the per-customer summary instead of the lines.
    const [one, two] = figures.setups;
    const rowsRead = (setup: typeof one, name: string) => setup!.segments.find((f) => f.name === name)!.shards.map((r) => r.rowsRead);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const windowed = 'bought in the last 90 days';
    expect(rowsRead(one, windowed)[0]).toBeGreaterThanOrEqual(CUSTOMERS + purchases);
    expect(rowsRead(one, windowed)[0]).toBeLessThan(CUSTOMERS + purchases + 16 * 8192);
    expect(sum(rowsRead(two, windowed))).toBeGreaterThanOrEqual(CUSTOMERS + purchases);
    for (const shardRows of rowsRead(two, windowed)) expect(shardRows).toBeLessThan(purchases);
    expect(rowsRead(one, 'lifetime RFM')[0]).toBeLessThan(2 * CUSTOMERS + 16 * 8192);
    expect(rowsRead(one, 'attributes')[0]).toBeLessThan(purchases);
    const report = clickHouseReport(figures, duckdb).join('\n');
    for (const d of duckdb) expect(report).toContain(d.name);
    expect(report).toMatch(/shard 2: \d+ customers; over the suite read [\d.]+M rows/);
  }, 600_000);

  describe('on a given cluster', () => {
    let servers: Servers;
    beforeAll(async () => {
      servers = await startServers();
    }, 120_000);
    afterAll(async () => servers?.stop(), 60_000);

    it('refuses a database holding customers it did not load, naming it', async () => {
      await initClickHouse(servers.engineUrl('shop'));
      await serverQuery(servers.servers[0]!, "INSERT INTO shop.customers_local (customer_id) VALUES ('C-1')");
      await expect(benchClickHouse({ duckdbPath: dbPath, asOf, runs: 1, engine: servers.engineUrl('shop'), workDir: join(dir, 'work'), duckdb, log: () => undefined }))
        .rejects.toThrow(/database "shop" holds 1 customers the benchmark did not load/);
      expect((await serverQuery(servers.servers[0]!, 'SELECT count() FROM shop.customers FORMAT TabSeparated')).trim()).toBe('1');
    }, 120_000);

    it('loads an empty database and counts every segment as DuckDB does, twice (the second time over its own rows)', async () => {
      for (let i = 0; i < 2; i++) {
        const figures = await benchClickHouse({ duckdbPath: dbPath, asOf, runs: 1, engine: servers.engineUrl('bench'), workDir: join(dir, 'work'), duckdb, log: () => undefined });
        if ('skipped' in figures) throw new Error(figures.skipped);
        expect(figures.setups.map((s) => [s.label, s.shards])).toEqual([['given cluster', 2]]);
        expectDuckDBCounts(figures);
      }
    }, 300_000);
  });
});
