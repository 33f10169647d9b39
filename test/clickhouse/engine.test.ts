/** The ClickHouse engine on one server (no cluster): the Engine interface the services use. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initClickHouse } from '../../src/api/clickhouse.js';
import { parseClickHouseUrl } from '../../src/engine/clickhouse/address.js';
import { ClickHouseCluster } from '../../src/engine/clickhouse/cluster.js';
import { copyRowsToClickHouse } from '../../src/engine/clickhouse/copy.js';
import { ClickHouseEngine } from '../../src/engine/clickhouse/engine.js';
import { importIntoClickHouse } from '../../src/engine/clickhouse/import.js';
import { purchases } from '../../src/catalog/tables.js';
import { localTableName } from '../../src/engine/clickhouse/schema.js';
import type { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { InterruptedError } from '../../src/interrupt.js';
import { KumiwakeError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';
import { clickhouseMissing, startServers, type Servers } from './servers.js';
import { sampleShopInDuckDB } from './sample-shop.js';

const missing = clickhouseMissing();

describe.skipIf(missing !== undefined)('the ClickHouse engine on one server', () => {
  let servers: Servers;
  let dir: string;
  let engine: ClickHouseEngine;
  let shop: DuckDBEngine;
  beforeAll(async () => {
    servers = await startServers(1);
    dir = tempDir('kumiwake-ch-engine-');
    const url = servers.engineUrl('single', false);
    const opened = await ClickHouseEngine.open(url, { stateFile: join(dir, 'state.duckdb') }).catch((e: unknown) => e);
    expect(opened).toBeInstanceOf(KumiwakeError);
    expect((opened as Error).message).toMatch(/has no database "single": create it with kumiwake cluster init/);
    const init = await initClickHouse(url);
    expect(init).toMatchObject({ database: 'single', cluster: null });
    shop = await sampleShopInDuckDB();
    await copyRowsToClickHouse(shop, await ClickHouseCluster.connect(parseClickHouseUrl(url)));
    engine = await ClickHouseEngine.open(url, { stateFile: join(dir, 'state.duckdb') });
  }, 120_000);
  afterAll(async () => {
    engine?.close();
    shop?.close();
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('keeps every table under its own name without a cluster, with DuckDB\'s row counts', async () => {
    expect(engine.cluster).toBeUndefined();
    expect(localTableName(engine, 'purchases')).toBe('purchases');
    for (const table of ['customers', 'purchases', 'mail_events']) {
      const [duck] = await shop.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`);
      const [click] = await engine.query<{ n: bigint }>({ sql: `SELECT count() AS n FROM single.${table}`, parameters: [] });
      expect(click!.n).toBe(duck!.n);
    }
  });

  it('writes $n parameters in as literals, typed answers come back exact', async () => {
    const rows = await engine.query<Record<string, unknown>>({
      sql: "SELECT $1 AS s, $2 AS big, '$1' AS quoted, toString(sum(amount)) AS sales, max(ordered_at) AS last FROM single.purchases WHERE customer_id = $3",
      parameters: ["it's \\ $2", 18446744073709551615n, '00000002'],
    });
    const [duck] = await shop.all<{ sales: string; last: Date }>("SELECT CAST(sum(amount) AS VARCHAR) AS sales, max(ordered_at) AS last FROM purchases WHERE customer_id = '00000002'");
    expect(rows).toEqual([{ s: "it's \\ $2", big: 18446744073709551615n, quoted: '$1', sales: duck!.sales.replace(/^(\d+\.\d{4})\d*$/, '$1'), last: duck!.last }]);
  });

  it('streams rows in batches, lists its columns, keeps schema marks in the state file', async () => {
    let rows = 0;
    let batches = 0;
    for await (const vectors of engine.stream('SELECT customer_id, birthday, tags FROM single.customers ORDER BY customer_id')) {
      batches++;
      rows += vectors[0]!.length;
      if (batches === 1) expect(vectors[1]![0]).toBe(19680330);
    }
    expect(rows).toBe(300);
    const columns = await engine.introspect();
    expect(columns).toContainEqual({ table: 'customers', column: 'birthday', type: 'Nullable(Int32)' });
    expect(columns.some((c) => c.table.endsWith('_local'))).toBe(false);
    expect(await engine.hasTable('purchases')).toBe(true);
    expect(await engine.hasTable('segments')).toBe(true);
    await engine.setSchemaMark('sample_data');
    expect(await engine.hasSchemaMark('sample_data')).toBe(true);
  });

  it('writes a query\'s rows to CSV and Parquet as the DuckDB engine writes them', async () => {
    const csv = join(dir, 'out.csv');
    await engine.copyToFile("SELECT customer_id, name, toString(points) AS points FROM single.customers WHERE customer_id IN ('00000001', '00000002') ORDER BY customer_id", csv, 'csv', undefined, () => undefined);
    const duckCsv = join(dir, 'duck.csv');
    await shop.copyToFile("SELECT customer_id, name, CAST(points AS VARCHAR) AS points FROM customers WHERE customer_id IN ('00000001', '00000002') ORDER BY customer_id", duckCsv, 'csv', undefined, () => undefined);
    expect(readFileSync(csv, 'utf8')).toBe(readFileSync(duckCsv, 'utf8'));
    const parquet = join(dir, 'out.parquet');
    await engine.copyToFile('SELECT customer_id, amount, ordered_at FROM single.purchases', parquet, 'parquet', undefined, () => undefined);
    const [back] = await shop.all<{ n: bigint; total: number }>(`SELECT count(*) AS n, sum(amount)::DOUBLE AS total FROM read_parquet('${parquet}')`);
    const [want] = await shop.all<{ n: bigint; total: number }>('SELECT count(*) AS n, sum(amount)::DOUBLE AS total FROM purchases');
    expect(back).toEqual(want);
  });

  it('imports on one server: an upsert replaces the lines it names and keeps the rest', async () => {
    const [line] = await shop.all<{ order_id: string; line_no: bigint; customer_id: string; ordered_at: Date; product_code: string }>(
      'SELECT order_id, line_no, customer_id, ordered_at, product_code FROM purchases ORDER BY order_id, line_no LIMIT 1');
    const file = join(dir, 'one-line.csv');
    const at = line!.ordered_at.toISOString().replace('T', ' ').slice(0, 19);
    writeFileSync(file, `order_id,line_no,customer_id,ordered_at,product_code,amount\n${line!.order_id},${line!.line_no},${line!.customer_id},${at},${line!.product_code},12345.5\nNEW1,1,00000001,2026-01-01 00:00:00,P00001,1\n`);
    const before = await engine.query<{ n: bigint }>({ sql: 'SELECT count() AS n FROM single.purchases', parameters: [] });
    const result = await importIntoClickHouse(engine, { table: purchases, files: [file] });
    expect(result.rowsStored).toBe(2);
    const after = await engine.query<{ n: bigint }>({ sql: 'SELECT count() AS n FROM single.purchases', parameters: [] });
    expect(after[0]!.n).toBe(before[0]!.n + 1n);
    const [changed] = await engine.query<{ amount: string; media: string | null }>({
      sql: 'SELECT toString(amount) AS amount, media FROM single.purchases WHERE order_id = $1 AND line_no = $2', parameters: [line!.order_id, line!.line_no] });
    const [kept] = await shop.all<{ media: string | null }>('SELECT media FROM purchases WHERE order_id = $1 AND line_no = $2', [line!.order_id, line!.line_no]);
    // The file's amount replaces the stored one; media, which the file lacks, is kept.
    expect(changed).toEqual({ amount: '12345.5000', media: kept!.media });
  }, 120_000);

  it('interrupts a running statement, and names the setting when a statement runs out of memory', async () => {
    const long = engine.query({ sql: 'SELECT count() FROM numbers(100000000000) WHERE sipHash64(number) = 1', parameters: [] });
    setTimeout(() => engine.interrupt(), 300);
    await expect(long).rejects.toBeInstanceOf(InterruptedError);
    const oom = await engine.withMemoryLimit('10MB', () => engine.query({ sql: 'SELECT groupArray(number) FROM numbers(10000000)', parameters: [] }), 'KUMIWAKE_MEMORY_LIMIT').catch((e: unknown) => e);
    expect(oom).toBeInstanceOf(KumiwakeError);
    expect((oom as Error).message).toMatch(/limit of 10MB .*KUMIWAKE_MEMORY_LIMIT/);
    const overflow = await engine.query({ sql: "SELECT toDecimal64(sum(toDecimal128('99999999999999.9999', 4)), 4) FROM numbers(10)", parameters: [] }).catch((e: unknown) => e);
    expect(overflow).toBeInstanceOf(KumiwakeError);
    expect(overflow).toMatchObject({ code: 'figure-too-large' });
  });
});
