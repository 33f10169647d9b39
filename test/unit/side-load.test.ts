import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { customers, mailEvents, products, purchases } from '../../src/catalog/tables.js';
import { CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES, customersPerPassFor, inSmallerPassesWhenShort, refreshDerivedTables, SUMMARY_ATTEMPTS } from '../../src/engine/duckdb/import/derived.js';
import { OutOfMemoryError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { EVENTS_NUMBERED, importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { LONG_ID_BYTES, numbersFitBesideReader } from '../../src/engine/duckdb/import/load.js';
import { MISSING_CUSTOMERS, sideTableOf } from '../../src/engine/duckdb/import/side-load.js';
import { tempDir } from '../helpers/cli.js';
import { phaseLogger } from '../helpers/phases.js';
import { summaryText } from '../helpers/summaries.js';

const SIDE_LINES = sideTableOf('purchases');

// A full load of purchases (into an empty table, or a replace) fills a side table, commits it,
// then builds the summaries from it and swaps it in: purchases must end as a single transaction
// would leave it, and as it was when anything after the first commit fails.

const HEADER = 'order_id,line_no,customer_id,ordered_at,product_code,quantity,amount,group:受注区分';
const lines = (orders: number, shift: number) => [HEADER, ...Array.from({ length: orders }, (_, o) =>
  [1, 2].map((no) => `O${o},${no},C${(o + shift) % 7},2024-0${1 + (o % 9)}-1${o % 10} 10:00,P${1 + ((o + no + shift) % 4)},${no},${100 * (o + no + shift)},${o % 2 ? '定期' : '通常'}`).join('\n'))];

describe('a full load of purchases through a side table', () => {
  let dir: string;
  let db: DuckDBEngine;
  const write = (name: string, text: string[]) => {
    writeFileSync(join(dir, name), `${text.join('\n')}\n`);
    return join(dir, name);
  };
  const definition = async () => (await db.all<{ sql: string }>(`SELECT sql FROM duckdb_tables() WHERE table_name = 'purchases'`))[0]?.sql;
  const sideTables = async () => (await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = '${SIDE_LINES}'`)).length;
  const lineText = async () => JSON.stringify(await db.all('SELECT * FROM purchases ORDER BY order_id, line_no'), (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));

  beforeAll(async () => {
    dir = tempDir();
    db = await DuckDBEngine.open(join(dir, 's.duckdb'));
    await importFiles(db, { table: products, files: [write('products.csv', ['product_code,category', 'P1,食品', 'P2,食品', 'P3,雑貨'])] });
  });
  afterAll(() => db.close());

  it('fills an empty table: the same lines and summaries as a rebuild, the table keeps its constraints, no side table is left', async () => {
    const before = await definition();
    const result = await importFiles(db, { table: purchases, files: [write('base.csv', lines(40, 0))] });
    expect(result.rowsStored).toBe(80);
    expect(result.unknownCustomers).toBe(7);
    expect(await sideTables()).toBe(0);
    // The side table became purchases: its columns' NOT NULL and defaults, plus the new group column.
    expect(await definition()).toBe(before!.replace(/\);$/, ', "group:受注区分" VARCHAR);'));
    const [counts] = await db.all<{ n: bigint; g: bigint }>(`SELECT count(*) AS n, count(DISTINCT "group:受注区分") AS g FROM purchases`);
    expect([Number(counts!.n), Number(counts!.g)]).toEqual([80, 2]);
    const loaded = await summaryText(db);
    expect(loaded).toContain('"customer_id":"C3"');
    await db.transaction(() => refreshDerivedTables(db, 'purchases', 'all'));
    expect(await summaryText(db)).toBe(loaded);
  });

  it('replaces stored lines the same way, and keeps them, their summaries and the table when the summaries fail', async () => {
    await importFiles(db, { table: purchases, files: [write('replace.csv', lines(30, 3))], mode: 'replace' });
    const replaced = { lines: await lineText(), summaries: await summaryText(db), definition: await definition() };
    expect(JSON.parse(replaced.lines)).toHaveLength(60);
    await db.transaction(() => refreshDerivedTables(db, 'purchases', 'all'));
    expect(await summaryText(db)).toBe(replaced.summaries);

    // A setting no command writes makes the second transaction (the summaries) fail after the
    // side table was committed.
    await db.run(`INSERT OR REPLACE INTO settings VALUES ('sales-statuses', '{not json', now()::TIMESTAMP)`);
    await expect(importFiles(db, { table: purchases, files: [write('again.csv', lines(50, 5))], mode: 'replace' })).rejects.toThrow();
    await db.run(`DELETE FROM settings WHERE name = 'sales-statuses'`);
    expect(await sideTables()).toBe(0);
    expect({ lines: await lineText(), summaries: await summaryText(db), definition: await definition() }).toEqual(replaced);
    const [last] = await db.all<{ outcome: string }>('SELECT outcome FROM imports ORDER BY import_id DESC LIMIT 1');
    expect(last!.outcome).toBe('failed');
  });

  it('loads mail events into an empty table the same way: each event once, the customers the customers table lacks counted', async () => {
    await importFiles(db, { table: customers, files: [write('customers.csv', ['customer_id', 'C1', 'C2'])] });
    const events = ['customer_id,mail_id,event,occurred_at', 'C1,M1,open,2024-05-01 10:00', 'C1,M1,open,2024-05-01 10:00', 'C2,M1,click,2024-05-02 10:00', 'C9,M1,open,2024-05-03 10:00'];
    const result = await importFiles(db, { table: mailEvents, files: [write('events.csv', events)] });
    expect([result.rowsStored, result.unknownCustomers]).toEqual([3, 1]);
    expect(await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = '${sideTableOf('mail_events')}'`)).toHaveLength(0);
    expect((await db.all<{ sql: string }>(`SELECT sql FROM duckdb_tables() WHERE table_name = 'mail_events'`))[0]!.sql).toMatch(/customer_id VARCHAR NOT NULL/);
    const again = await importFiles(db, { table: mailEvents, files: [write('more.csv', [events[0]!, events[1]!, 'C2,M2,open,2024-06-01 10:00'])] });
    expect(again.rowsStored).toBe(1);
    const [n] = await db.all<{ n: bigint }>('SELECT count(*) AS n FROM mail_events');
    expect(Number(n!.n)).toBe(4);
  });

  it('asks of replaced mail events whether each is there once and whose customer is missing, whichever of the two holds', async () => {
    const header = 'customer_id,mail_id,event,occurred_at';
    const cases = [
      { rows: ['C1,M1,open,2024-05-01 10:00', 'C2,M1,open,2024-05-01 10:00'], stored: 2, unknown: 0 },
      { rows: ['C1,M1,open,2024-05-01 10:00', 'C1,M1,open,2024-05-01 10:00', 'C2,M1,open,2024-05-01 10:00'], stored: 2, unknown: 0 },
      { rows: ['C1,M1,open,2024-05-01 10:00', 'C8,M1,open,2024-05-01 10:00', 'C9,M1,open,2024-05-01 10:00', 'C9,M2,open,2024-05-01 10:00'], stored: 4, unknown: 2 },
      { rows: ['C8,M1,open,2024-05-01 10:00', 'C8,M1,open,2024-05-01 10:00', 'C8,M2,open,2024-05-01 10:00'], stored: 2, unknown: 1 },
    ];
    for (const [i, c] of cases.entries()) {
      const result = await importFiles(db, { table: mailEvents, files: [write(`replace-${i}.csv`, [header, ...c.rows])], mode: 'replace' });
      expect([result.rowsStored, result.unknownCustomers], `case ${i}`).toEqual([c.stored, c.unknown]);
      const [n] = await db.all<{ n: bigint; d: bigint }>('SELECT count(*) AS n, count(DISTINCT (customer_id, mail_id, event, occurred_at)) AS d FROM mail_events');
      expect([Number(n!.n), Number(n!.d)], `case ${i}`).toEqual([c.stored, c.stored]);
    }
  });

  it('drops a side table a killed load left, when the database is next opened for writing and at the next import', async () => {
    await db.run(`CREATE TABLE ${SIDE_LINES} AS SELECT * FROM purchases`);
    await db.run(`CREATE TABLE ${MISSING_CUSTOMERS} AS SELECT 'C9' AS customer_id`);
    db.close();
    db = await DuckDBEngine.open(join(dir, 's.duckdb'));
    expect(await sideTables()).toBe(0);
    expect(await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = '${MISSING_CUSTOMERS}'`)).toHaveLength(0);
    await db.run(`CREATE TABLE ${SIDE_LINES} AS SELECT * FROM purchases`);
    await importFiles(db, { table: purchases, files: [write('small.csv', lines(2, 1))] });
    expect(await sideTables()).toBe(0);
  });
});

// The process holds memory beyond DuckDB's limit in proportion to it, most in the sorted summaries'
// writes: a full load writes them under a lower limit, unless the user set one of their own.
describe('the sorted summaries of a full load', () => {
  const limitsAsked = async (memoryLimit?: string) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'lines.csv'), `${lines(30, 1).join('\n')}\n`);
    const db = await DuckDBEngine.open(join(dir, 'm.duckdb'), memoryLimit ? { memoryLimit } : {});
    try {
      const asked: string[] = [];
      const original = db.withMemoryLimit.bind(db);
      db.withMemoryLimit = (limit, work, setting) => {
        asked.push(limit);
        return original(limit, async () => {
          const [now] = await db.all<{ limit: string }>(`SELECT current_setting('memory_limit') AS limit`);
          asked.push(`DuckDB: ${now!.limit}`);
          return work();
        }, setting);
      };
      await importFiles(db, { table: purchases, files: [join(dir, 'lines.csv')] });
      const [back] = await db.all<{ limit: string }>(`SELECT current_setting('memory_limit') AS limit`);
      return { asked, after: back!.limit };
    } finally {
      db.close();
    }
  };

  it('writes the product and category summaries under 250 MB by default, and leaves a limit the user set', async () => {
    const byDefault = await limitsAsked();
    // Each summary's DELETE and INSERT (the product summary's and the category summary's).
    expect(byDefault.asked).toEqual(Array.from({ length: 4 }, () => ['250MB', 'DuckDB: 238.4 MiB']).flat());
    expect(byDefault.after).toBe('381.4 MiB');
    expect((await limitsAsked('1GB')).asked).toEqual([]);
  });
});

// Passes are sized by lines, but a shop of many customer x product pairs per line needs more of
// them: the summaries' transaction runs again in twice as many passes, the lines staying committed.
describe("a full load's summaries that run out of memory", () => {
  const failingProductSummary = (db: DuckDBEngine, failures: number) => {
    const run = db.run.bind(db);
    let left = failures;
    db.run = (sql, params) => {
      if (sql.startsWith('INSERT INTO customer_products') && left > 0) {
        left -= 1;
        return Promise.reject(new OutOfMemoryError('250MB', 'KUMIWAKE_MEMORY_LIMIT'));
      }
      return run(sql, params);
    };
  };
  const warnings: unknown[] = [];
  const logger = { ...silentLogger, warn: (...args: unknown[]) => void warnings.push(args) };

  it('are built again in twice as many passes, and the import ends as one that never ran short', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'lines.csv'), `${lines(40, 0).join('\n')}\n`);
    const db = await DuckDBEngine.open(join(dir, 'r.duckdb'));
    try {
      failingProductSummary(db, 2);
      const result = await importFiles(db, { table: purchases, files: [join(dir, 'lines.csv')], logger });
      expect([result.rowsStored, result.unknownCustomers]).toEqual([80, 7]);
      expect(warnings).toHaveLength(2);
      expect(warnings.map((w) => (w as [{ customersPerPass: number }])[0].customersPerPass)).toEqual([CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES / 2, CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES / 4]);
      expect(await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = '${SIDE_LINES}'`)).toHaveLength(0);
      const loaded = await summaryText(db);
      await db.transaction(() => refreshDerivedTables(db, 'purchases', 'all'));
      expect(await summaryText(db)).toBe(loaded);
      const [last] = await db.all<{ outcome: string; n: bigint }>(`SELECT outcome, (SELECT count(*) FROM purchases) AS n FROM imports ORDER BY import_id DESC LIMIT 1`);
      expect([last!.outcome, Number(last!.n)]).toEqual(['ok', 80]);
    } finally {
      db.close();
    }
  });

  it('start in smaller passes for ids longer than 24 characters, as UUIDs are', async () => {
    const db = await DuckDBEngine.open(join(tempDir(), 'ids.duckdb'));
    try {
      const startFor = async (customer: string, order: string) => {
        await db.run(`CREATE OR REPLACE TABLE lines AS SELECT $customer || i AS customer_id, $order || i AS order_id FROM range(1000) AS t(i)`, { customer, order });
        return customersPerPassFor(db, 'lines');
      };
      const uuid = '6c40a97a-d345-c4d3-e73b-46b8b130a';
      expect(await startFor('C', 'O')).toBe(CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES);
      expect(await startFor('C000358352-01d6ef531', 'O00000000')).toBe(CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES);
      expect(await startFor(uuid, 'O')).toBe(CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES / 4);
      expect(await startFor('C', uuid)).toBe(CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES / 4);
      // No lines: no ids to measure.
      await db.run('DELETE FROM lines');
      expect(await customersPerPassFor(db, 'lines')).toBe(CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES);
    } finally {
      db.close();
    }
  });

  it(`fail the import, which changes nothing, after ${SUMMARY_ATTEMPTS} attempts, naming the setting to raise`, async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'lines.csv'), `${lines(40, 0).join('\n')}\n`);
    const db = await DuckDBEngine.open(join(dir, 'f.duckdb'));
    try {
      const tried: number[] = [];
      await expect(inSmallerPassesWhenShort(async (perPass) => {
        tried.push(perPass);
        throw new OutOfMemoryError('250MB', 'KUMIWAKE_MEMORY_LIMIT');
      }, silentLogger)).rejects.toBeInstanceOf(OutOfMemoryError);
      expect(tried).toEqual(Array.from({ length: SUMMARY_ATTEMPTS }, (_, i) => CUSTOMERS_PER_PASS_OVER_COMMITTED_LINES / 2 ** i));
      // Another failure is not tried again.
      let others = 0;
      await expect(inSmallerPassesWhenShort(async () => {
        others += 1;
        throw new Error('not memory');
      }, silentLogger)).rejects.toThrow('not memory');
      expect(others).toBe(1);

      failingProductSummary(db, SUMMARY_ATTEMPTS);
      await expect(importFiles(db, { table: purchases, files: [join(dir, 'lines.csv')] })).rejects.toThrow(/KUMIWAKE_MEMORY_LIMIT=2GB/);
      const [state] = await db.all<{ lines: bigint; summaries: bigint; side: bigint }>(`SELECT (SELECT count(*) FROM purchases) AS lines, (SELECT count(*) FROM customer_summary) AS summaries,
        (SELECT count(*) FROM duckdb_tables() WHERE table_name = '${SIDE_LINES}') AS side`);
      expect([state!.lines, state!.summaries, state!.side].map(Number)).toEqual([0, 0, 0]);
    } finally {
      db.close();
    }
  });
});

// The number join of a mail events load holds the customers' ids beside the CSV reader's buffers:
// past LONG_ID_BYTES of long ids the events go in without numbers, and the committed side table
// gets them in a transaction of its own.
describe('mail events of customers with many long ids', () => {
  it('load without the number join, and end with the same numbers and missing customers', async () => {
    const dir = tempDir();
    const db = await DuckDBEngine.open(join(dir, 'long.duckdb'));
    try {
      const uuid = (i: string) => `md5(${i}::VARCHAR)[1:8] || '-' || md5(${i}::VARCHAR)[9:12] || '-' || md5(${i}::VARCHAR)[13:16] || '-' || md5(${i}::VARCHAR)[17:20] || '-' || md5(${i}::VARCHAR)[21:32]`;
      const customersNeeded = Math.ceil(LONG_ID_BYTES / 36) + 1;
      // Customers as an import leaves them (numbered), written by SQL: importing 1.8M takes a while.
      await db.run(`INSERT INTO customer_numbers SELECT ${uuid('i')}, i::INTEGER FROM range(1, ${customersNeeded + 1}) AS t(i)`);
      await db.run(`INSERT INTO customers (customer_id, customer_no) SELECT customer_id, customer_no FROM customer_numbers`);
      expect(await numbersFitBesideReader(db)).toBe(false);
      expect(await numbersFitBesideReader(db, Number.MAX_SAFE_INTEGER)).toBe(true);
      const [known] = await db.all<{ id: string }>(`SELECT customer_id AS id FROM customer_numbers WHERE customer_no = 7`);
      writeFileSync(join(dir, 'events.csv'), ['customer_id,mail_id,event,occurred_at', `${known!.id},M1,open,2024-05-01 10:00`, `${known!.id},M1,click,2024-05-01 10:05`,
        'not-a-customer-0000-0000-000000000000,M1,open,2024-05-02 10:00', `${known!.id},M1,open,2024-05-01 10:00`, ''].join('\n'));
      const statements: string[] = [];
      const [change, run] = [db.change.bind(db), db.run.bind(db)];
      db.change = (sql, params) => (statements.push(sql), change(sql, params));
      db.run = (sql, params) => (statements.push(sql), run(sql, params));
      const phases: string[] = [];
      const result = await importFiles(db, { table: mailEvents, files: [join(dir, 'events.csv')], logger: phaseLogger(phases) });
      // `npm run bench` and the debug log say how long the numbering took.
      expect(phases).toContain(EVENTS_NUMBERED);
      // The load joins nothing; the committed side table is numbered from the customers.
      expect(statements.filter((sql) => sql.includes('LEFT JOIN customers')).map((sql) => sql.startsWith('INSERT INTO kumiwake_remaking_mail_events'))).toEqual([true]);
      expect([result.rowsStored, result.unknownCustomers]).toEqual([3, 1]);
      const events = await db.all<{ no: number; numbered: number }>(
        `SELECT e.customer_no AS no, n.customer_no AS numbered FROM mail_events e JOIN customer_numbers n USING (customer_id) ORDER BY e.occurred_at`);
      expect(events.map((e) => e.no)).toEqual([7, 7, customersNeeded + 1]);
      expect(events.every((e) => e.no === e.numbered)).toBe(true);
    } finally {
      db.close();
    }
  });
});
