import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers, products, purchases } from '../../src/catalog/tables.js';
import { parseClickHouseUrl } from '../../src/engine/clickhouse/address.js';
import { ClickHouseCluster } from '../../src/engine/clickhouse/cluster.js';
import { ClickHouseEngine } from '../../src/engine/clickhouse/engine.js';
import { importIntoClickHouse } from '../../src/engine/clickhouse/import.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { InterruptedError } from '../../src/interrupt.js';
import { writeCsv } from '../helpers/cli.js';
import { clickhouseMissing, serverQuery, startServers, type Servers } from './servers.js';
import { SAMPLE_FILES } from './sample-shop.js';

const missing = clickhouseMissing();

/** Columns DuckDB derives for its own counts (sql/customer-columns.sql), which ClickHouse does not store. */
const DUCKDB_ONLY = new Set(['reachable_email', 'reachable_line', 'reachable_dm', 'birthday_month_day', 'tags_text', 'customer_no']);
const storedColumns = async (db: DuckDBEngine, table: string) => (await db.all<{ name: string; type: string }>(
  `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position`, { t: table }))
  .filter((c) => !DUCKDB_ONLY.has(c.name));

/** Every row of a table as one text line, both engines writing values the same way (dates YYYYMMDD, booleans 1/0, timestamps to the second). */
async function duckRows(db: DuckDBEngine, table: string): Promise<string[]> {
  const columns = await storedColumns(db, table);
  const text = columns.map(({ name, type }) => {
    const x = `"${name}"`;
    if (type === 'DATE') return `COALESCE(CAST(year(${x}) * 10000 + month(${x}) * 100 + day(${x}) AS VARCHAR), 'NULL')`;
    if (type === 'BOOLEAN') return `COALESCE(CASE WHEN ${x} THEN '1' WHEN NOT ${x} THEN '0' END, 'NULL')`;
    if (type === 'TIMESTAMP') return `COALESCE(strftime(${x}, '%Y-%m-%d %H:%M:%S'), 'NULL')`;
    if (type.endsWith('[]')) return `COALESCE(array_to_string(${x}, '|'), '')`;
    return `COALESCE(CAST(${x} AS VARCHAR), 'NULL')`;
  });
  return (await db.all<{ line: string }>(`SELECT concat_ws(' ¦ ', ${text.join(', ')}) AS line FROM ${table}`)).map((r) => r.line).sort();
}

async function clickRows(engine: ClickHouseEngine, db: DuckDBEngine, table: string): Promise<string[]> {
  const columns = await storedColumns(db, table);
  const text = columns.map(({ name, type }) => {
    const x = `\`${name}\``;
    if (type.endsWith('[]')) return `arrayStringConcat(${x}, '|')`;
    return `ifNull(toString(${x}), 'NULL')`;
  });
  const rows = await engine.query<{ line: string }>({ sql: `SELECT concat(${text.join(", ' ¦ ', ")}) AS line FROM shop.${table}`, parameters: [] });
  return rows.map((r) => r.line).sort();
}

describe.skipIf(missing !== undefined)('imports into ClickHouse on two shards', () => {
  let servers: Servers;
  let dir: string;
  let engine: ClickHouseEngine;
  let duck: DuckDBEngine;
  beforeAll(async () => {
    servers = await startServers();
    dir = mkdtempSync(join(tmpdir(), 'kumiwake-ch-import-'));
    const url = servers.engineUrl('shop');
    const cluster = await ClickHouseCluster.connect(parseClickHouseUrl(url), { create: true });
    await cluster.createTables();
    engine = await ClickHouseEngine.open(url, { stateFile: join(dir, 'state.duckdb') });
    duck = await DuckDBEngine.open(join(dir, 'reference.duckdb'));
  }, 120_000);
  afterAll(async () => {
    engine?.close();
    duck?.close();
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('lands the sample shop with exactly the rows DuckDB imports, each customer\'s rows on one shard', async () => {
    for (const { table, file } of SAMPLE_FILES) {
      const expected = await importFiles(duck, { table, files: [file] });
      const result = await importIntoClickHouse(engine, { table, files: [file] });
      expect(result.rowsLoaded, file).toBe(expected.rowsLoaded);
      expect(result.rowsStored, file).toBe(expected.rowsStored);
      expect(result.unknownCustomers, file).toBe(expected.unknownCustomers);
    }
    for (const table of ['customers', 'purchases', 'products', 'mails', 'mail_events', 'subscriptions']) {
      const want = await duckRows(duck, table);
      expect(want.length, table).toBeGreaterThan(0);
      expect(await clickRows(engine, duck, table), table).toEqual(want);
    }
    // An upsert of the same customers file again changes nothing and stores every row again.
    const again = await importIntoClickHouse(engine, { table: customers, files: [SAMPLE_FILES[1]!.file] });
    expect(again.rowsStored).toBe(300);
    expect(await clickRows(engine, duck, 'customers')).toEqual(await duckRows(duck, 'customers'));

    // DuckDB's kept columns (customer numbers, reachable flags, lookups) stay DuckDB's: ClickHouse gets only the data's.
    const kept = await serverQuery(servers.servers[0]!, `SELECT name FROM system.columns WHERE database = 'shop' AND name IN ('${[...DUCKDB_ONLY].join("', '")}') FORMAT TabSeparated`);
    expect(kept.trim()).toBe('');

    const shardOf = new Map<string, number>();
    for (const [i, server] of servers.servers.entries()) {
      for (const id of (await serverQuery(server, 'SELECT customer_id FROM shop.customers_local FORMAT TabSeparated')).trim().split('\n')) shardOf.set(id, i);
    }
    expect(shardOf.size).toBe(300);
    const counts = [0, 0];
    for (const [i, server] of servers.servers.entries()) {
      for (const table of ['customers_local', 'purchases_local', 'mail_events_local', 'subscriptions_local']) {
        const ids = (await serverQuery(server, `SELECT DISTINCT customer_id FROM shop.${table} FORMAT TabSeparated`)).trim().split('\n');
        for (const id of ids) if (shardOf.has(id)) expect(shardOf.get(id), `${table} ${id}`).toBe(i);
        counts[i]! += ids.length;
      }
    }
    expect(Math.min(...counts)).toBeGreaterThan(0);
  }, 300_000);

  it('upserts keep the columns a file lacks, replace the rows it has, and add its new attr: columns', async () => {
    const file = join(dir, 'ranks.csv');
    // Text and tags with quotes, backslashes, tabs and line breaks travel exactly (TSV and array escapes).
    writeFileSync(file, 'customer_id,points,attr:会員ランク,name,tags\n' +
      '00000001,77,ゴールド,"O\'Brien \\ tab\there\nnext\r\nline","it\'s;C:\\dir\\;say ""hi"";\ttab"\n' +
      '00000002,,シルバー,,\n09999999,5,,\\N,\\N\n');
    const expected = await importFiles(duck, { table: customers, files: [file] });
    const result = await importIntoClickHouse(engine, { table: customers, files: [file] });
    expect(result.rowsStored).toBe(expected.rowsStored);
    expect(await clickRows(engine, duck, 'customers')).toEqual(await duckRows(duck, 'customers'));
    const [folded] = await engine.query<{ f: string }>({ sql: "SELECT `attr:会員ランク_folded` AS f FROM shop.customers WHERE customer_id = '00000001'", parameters: [] });
    expect(folded!.f).toBe('ゴールド');
    const [hostile] = await engine.query<{ name: string; tags: string[] }>({ sql: "SELECT name, tags FROM shop.customers WHERE customer_id = '00000001'", parameters: [] });
    expect(hostile).toEqual({ name: "O'Brien \\ tab\there\nnext\r\nline", tags: ["it's", 'C:\\dir\\', 'say "hi"', '\ttab'] });
  }, 120_000);

  it('a products import brings the stored lines\' product_category up to date, as DuckDB does', async () => {
    const file = join(dir, 'recategorised.csv');
    writeFileSync(file, 'product_code,category\nP00001,ボディケア\nP00002,\nP09999,新カテゴリ\n');
    await importFiles(duck, { table: products, files: [file], mode: 'replace', allowEmpty: false });
    await importIntoClickHouse(engine, { table: products, files: [file], mode: 'replace' });
    const lines = await clickRows(engine, duck, 'purchases');
    expect(lines).toEqual(await duckRows(duck, 'purchases'));
    expect(lines.filter((l) => l.includes(' ¦ P00001 ¦ ') && l.includes(' ¦ ボディケア ¦ ')).length).toBeGreaterThan(0);
    expect(await clickRows(engine, duck, 'products')).toEqual(await duckRows(duck, 'products'));
  }, 120_000);

  it('a bad file gives DuckDB\'s file:line error and leaves the tables as they were', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'customer_id,birthday,points\nN1,1980-01-02,5\nN2,1980-13-45,6\n');
    const before = await clickRows(engine, duck, 'customers');
    const fresh = await DuckDBEngine.open(':memory:');
    const duckError = (await importFiles(fresh, { table: customers, files: [file] }).catch((e: unknown) => e)) as Error;
    fresh.close();
    const error = (await importIntoClickHouse(engine, { table: customers, files: [file] }).catch((e: unknown) => e)) as Error;
    expect(duckError.message).toMatch(/bad\.csv:3: column birthday/);
    expect(error.message).toBe(duckError.message);
    expect(await clickRows(engine, duck, 'customers')).toEqual(before);
    for (const server of servers.servers) {
      expect(await serverQuery(server, "SELECT name FROM system.tables WHERE database = 'shop' AND match(name, '_(in|next|old)_') FORMAT TabSeparated")).toBe('');
    }
    const [row] = await engine.state.all<{ outcome: string; error: string }>('SELECT outcome, error FROM imports ORDER BY import_id DESC LIMIT 1');
    expect(row).toMatchObject({ outcome: 'rejected', error: duckError.message });
  }, 120_000);

  it('refuses a timestamp ClickHouse cannot hold exactly by file:line, changing nothing', async () => {
    const before = await clickRows(engine, duck, 'customers');
    const utf8 = writeCsv(join(dir, 'old.csv'), 'customer_id,registered_at\nT1,2001-02-03 04:05:06\n"T2\nmulti",1965-04-01 10:00\n');
    const error = (await importIntoClickHouse(engine, { table: customers, files: [utf8] }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(`${utf8}:3: column registered_at: "1965-04-01 10:00:00" cannot be stored exactly in ClickHouse 18.16's DateTime (whole seconds from 1970-01-01 00:00:01 to 2105-12-31)`);
    // Its time 0 is its zero value, read back as 0000-00-00 00:00:00.
    const zero = writeCsv(join(dir, 'zero.csv'), 'customer_id,registered_at\nT1,2001-02-03 04:05:06\nT2,1970-01-01 00:00:00\n');
    expect(((await importIntoClickHouse(engine, { table: customers, files: [zero] }).catch((e: unknown) => e)) as Error).message)
      .toMatch(new RegExp(`^${zero.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: column registered_at: "1970-01-01 00:00:00" cannot be stored exactly`));
    const sjis = writeCsv(join(dir, 'fraction.csv'), '会員番号,登録日時\nT1,2001-02-03 04:05:06\nT2,2001-02-03 04:05:06\nT3,2026-01-01 10:00:00.5\n', 'cp932');
    const fraction = (await importIntoClickHouse(engine, { table: customers, files: [sjis] }).catch((e: unknown) => e)) as Error;
    expect(fraction.message).toMatch(new RegExp(`^${sjis.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: column registered_at: "2026-01-01 10:00:00.5"`));
    expect(await clickRows(engine, duck, 'customers')).toEqual(before);
  }, 120_000);

  it('an import interrupted between batches leaves no visible row, and the next import cleans up after a killed one', async () => {
    const file = join(dir, 'many.csv');
    const lines = ['order_id,line_no,customer_id,ordered_at,product_code,quantity,amount'];
    for (let i = 0; i < 300_000; i++) lines.push(`X${i},1,${String(1 + (i % 300)).padStart(8, '0')},2026-01-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00,P00001,1,100`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const before = await engine.query<{ n: bigint }>({ sql: 'SELECT count() AS n FROM shop.purchases', parameters: [] });
    const controller = new AbortController();
    // Abort once the first rows have reached a shard's incoming table.
    const watch = setInterval(async () => {
      const seen = await serverQuery(servers.servers[0]!, "SELECT sum(rows) FROM system.parts WHERE database = 'shop' AND match(table, '_in_') AND active FORMAT TabSeparated").catch(() => '0');
      if (Number(seen) > 0) controller.abort('test');
    }, 20);
    const error = await importIntoClickHouse(engine, { table: purchases, files: [file], signal: controller.signal }).catch((e: unknown) => e);
    clearInterval(watch);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(await engine.query<{ n: bigint }>({ sql: 'SELECT count() AS n FROM shop.purchases', parameters: [] })).toEqual(before);
    for (const server of servers.servers) {
      expect(await serverQuery(server, "SELECT name FROM system.tables WHERE database = 'shop' AND match(name, '_(in|next|old)_') FORMAT TabSeparated")).toBe('');
    }
    // A killed process leaves its import 'running' and its incoming tables: the next import drops them.
    await engine.state.run(`INSERT INTO imports (import_id, table_name, mode, files, started_at, finished_at, duration_ms, outcome)
      VALUES (9999, 'purchases', 'upsert', ['x.csv'], now()::TIMESTAMP, now()::TIMESTAMP, 0, 'running')`);
    await serverQuery(servers.servers[1]!, 'CREATE TABLE shop.purchases_local_in_9999 AS shop.purchases_local');
    await importIntoClickHouse(engine, { table: customers, files: [SAMPLE_FILES[1]!.file] });
    expect(await serverQuery(servers.servers[1]!, "SELECT name FROM system.tables WHERE database = 'shop' AND match(name, '_in_') FORMAT TabSeparated")).toBe('');
    const [killed] = await engine.state.all<{ outcome: string }>('SELECT outcome FROM imports WHERE import_id = 9999');
    expect(killed!.outcome).toBe('interrupted');
  }, 300_000);

  it('an import killed between two shards\' renames is finished by the next writer that opens the engine', async () => {
    // What a kill leaves after the commit mark: shard 1 swapped, shard 2 still waiting with its next version.
    const [first, second] = servers.servers;
    for (const server of [first!, second!]) {
      await serverQuery(server, 'CREATE TABLE shop.customers_local_next_9998 AS shop.customers_local');
      await serverQuery(server, 'INSERT INTO shop.customers_local_next_9998 SELECT * FROM shop.customers_local');
    }
    await serverQuery(second!, "INSERT INTO shop.customers_local_next_9998 (customer_id, tags, _import_id) VALUES ('Z-LATE', [], 9998)");
    await serverQuery(first!, 'RENAME TABLE shop.customers_local TO shop.customers_local_old_9998, shop.customers_local_next_9998 TO shop.customers_local');
    await engine.state.run(`INSERT INTO imports (import_id, table_name, mode, files, started_at, finished_at, duration_ms, outcome)
      VALUES (9998, 'customers', 'upsert', ['late.csv'], now()::TIMESTAMP, now()::TIMESTAMP, 0, 'committing')`);
    const before = await engine.query<{ n: bigint }>({ sql: 'SELECT count() AS n FROM shop.customers', parameters: [] });
    const path = engine.state.path;
    engine.close();
    engine = await ClickHouseEngine.open(servers.engineUrl('shop'), { stateFile: path });
    const after = await engine.query<{ n: bigint }>({ sql: 'SELECT count() AS n FROM shop.customers', parameters: [] });
    expect(after[0]!.n).toBe(before[0]!.n + 1n);
    const [row] = await engine.state.all<{ outcome: string }>('SELECT outcome FROM imports WHERE import_id = 9998');
    expect(row!.outcome).toBe('ok');
    for (const server of servers.servers) {
      expect(await serverQuery(server, "SELECT name FROM system.tables WHERE database = 'shop' AND match(name, '_(in|next|old)_') FORMAT TabSeparated")).toBe('');
    }
  }, 120_000);
});
