import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { mailEvents, purchases } from '../../src/catalog/tables.js';
import { importFiles, LINES_NUMBERED, STORED_BY_TIME } from '../../src/engine/duckdb/import/run-import.js';
import { SPREAD_KEPT_AT_MOST, STORED_BY_TIME_FROM_ROWS, storedAgainByTime, timeSpread } from '../../src/engine/duckdb/import/time-order.js';
import { OutOfMemoryError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';
import { phaseLogger } from '../helpers/phases.js';
import { summaryText } from '../helpers/summaries.js';

// A full load of a file out of time order (grouped by customer, as some exports and our own
// generator write them) is stored again by time, so that a window reads only its dates' row
// groups; a cart's file, in time order, is kept as loaded. The files hold enough rows for
// several row groups (DuckDB's unit of min / max), written by DuckDB itself.

/** 1.04M lines, more than the eight row groups below which a table is left as loaded. */
const ORDERS = 520_000;
const CUSTOMERS = 40_000;
/** Order o's time: 3 minutes apart from 2020-01-01, about three years in all. */
const ORDER_TIME = `TIMESTAMP '2020-01-01' + to_minutes(o * 3)`;

describe('a full load out of time order', () => {
  let dir: string;
  const phases: string[] = [];
  const logger = phaseLogger(phases);
  const databases: DuckDBEngine[] = [];

  /** Imports `file` into a new database, with the phases the import logged. */
  const imported = async (name: string, table: typeof purchases, file: string) => {
    const db = await DuckDBEngine.open(join(dir, name));
    databases.push(db);
    phases.length = 0;
    const result = await importFiles(db, { table, files: [join(dir, file)], logger });
    return { db, result, phases: [...phases] };
  };

  let byDate: Awaited<ReturnType<typeof imported>>;
  let byCustomer: Awaited<ReturnType<typeof imported>>;
  let unnumbered: Awaited<ReturnType<typeof imported>>;
  let eventsByCustomer: Awaited<ReturnType<typeof imported>>;
  let eventsTwice: Awaited<ReturnType<typeof imported>>;

  beforeAll(async () => {
    dir = tempDir();
    const writer = await DuckDBEngine.open(join(dir, 'writer.duckdb'));
    try {
      // Two lines per order; customers' orders spread over the whole history.
      await writer.run(`CREATE TABLE lines AS
        SELECT 'O' || o AS order_id, n AS line_no, 'C' || (o % ${CUSTOMERS}) AS customer_id, ${ORDER_TIME} AS ordered_at,
               'P' || ((o + n) % 7) AS product_code, n AS quantity, 100 * n + o % 1000 AS amount, o
        FROM range(${ORDERS}) AS r(o), range(1, 3) AS l(n)`);
      const lines = 'order_id, line_no, customer_id, ordered_at, product_code, quantity, amount';
      await writer.run(`COPY (SELECT ${lines} FROM lines ORDER BY o, line_no) TO '${join(dir, 'by-date.csv')}' (HEADER)`);
      await writer.run(`COPY (SELECT ${lines} FROM lines ORDER BY customer_id, o, line_no) TO '${join(dir, 'by-customer.csv')}' (HEADER)`);
      // Without line_no: numbered by position within the order once loaded, then stored by time.
      await writer.run(`COPY (SELECT ${lines.replace('line_no, ', '')} FROM lines ORDER BY customer_id, o, line_no) TO '${join(dir, 'unnumbered.csv')}' (HEADER)`);
      await writer.run(`COPY (SELECT customer_id, 'M' || line_no AS mail_id, 'open' AS event, ordered_at + to_hours(line_no) AS occurred_at
                              FROM lines ORDER BY customer_id, o, line_no) TO '${join(dir, 'events-by-customer.csv')}' (HEADER)`);
      // In time order, one event twice: keeping each event once must not scatter them.
      await writer.run(`COPY (SELECT customer_id, 'M' || line_no AS mail_id, 'open' AS event, ordered_at + to_hours(line_no) AS occurred_at
                              FROM lines, range(2) AS t(twice) WHERE twice = 0 OR (o = 777 AND line_no = 1) ORDER BY o, line_no) TO '${join(dir, 'events-twice.csv')}' (HEADER)`);
    } finally {
      writer.close();
    }
    byDate = await imported('by-date.duckdb', purchases, 'by-date.csv');
    byCustomer = await imported('by-customer.duckdb', purchases, 'by-customer.csv');
    unnumbered = await imported('unnumbered.duckdb', purchases, 'unnumbered.csv');
    eventsByCustomer = await imported('events.duckdb', mailEvents, 'events-by-customer.csv');
    eventsTwice = await imported('events-twice.duckdb', mailEvents, 'events-twice.csv');
  }, 240_000);
  afterAll(() => {
    for (const db of databases) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a file in time order as loaded, its row groups each a small share of the history', async () => {
    expect(byDate.result.rowsStored).toBe(2 * ORDERS);
    expect(byDate.phases).not.toContain(STORED_BY_TIME);
    const spread = await timeSpread(byDate.db, 'purchases', 'ordered_at');
    expect(spread.rows).toBe(2 * ORDERS);
    expect(spread.spread).toBeLessThan(SPREAD_KEPT_AT_MOST);
  });

  it('stores the lines of a file grouped by customer by time: each row group spans a few months, not the whole history', async () => {
    expect(byCustomer.result.rowsStored).toBe(2 * ORDERS);
    expect(byCustomer.phases).toContain(STORED_BY_TIME);
    const spread = await timeSpread(byCustomer.db, 'purchases', 'ordered_at');
    expect(spread.spread).toBeLessThan(0.2);
    // A window of one month reads a few row groups of the nine.
    const [groups] = await byCustomer.db.all<{ n: bigint }>(`SELECT count(*) AS n FROM (
      SELECT rowid // 122880 AS g FROM purchases GROUP BY g HAVING min(ordered_at) < TIMESTAMP '2021-02-01' AND max(ordered_at) >= TIMESTAMP '2021-01-01')`);
    expect(Number(groups!.n)).toBeLessThanOrEqual(2);
  });

  it('stores the same lines and summaries as the file in time order, with line numbers or numbered on loading', async () => {
    for (const stored of [byCustomer, unnumbered]) {
      await stored.db.run(`ATTACH '${join(dir, 'by-date.duckdb')}' AS dated (READ_ONLY)`);
      try {
        for (const [a, b] of [['purchases', 'dated.purchases'], ['dated.purchases', 'purchases']]) {
          const [left] = await stored.db.all<{ n: bigint }>(`SELECT count(*) AS n FROM (SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b})`);
          expect(Number(left!.n)).toBe(0);
        }
      } finally {
        await stored.db.run('DETACH dated');
      }
      expect(await summaryText(stored.db)).toBe(await summaryText(byDate.db));
    }
    // Numbered first (by position in the file), then stored by time.
    expect(unnumbered.phases).toEqual(expect.arrayContaining([LINES_NUMBERED, STORED_BY_TIME]));
    expect((await timeSpread(unnumbered.db, 'purchases', 'ordered_at')).spread).toBeLessThan(0.2);
    const [summary] = await byCustomer.db.all<{ n: bigint }>('SELECT count(*) AS n FROM customer_summary WHERE order_count = $n', { n: ORDERS / CUSTOMERS });
    expect(Number(summary!.n)).toBe(CUSTOMERS);
  });

  it('stores mail events grouped by customer by time, every event kept', async () => {
    expect(eventsByCustomer.result.rowsStored).toBe(2 * ORDERS);
    expect(eventsByCustomer.phases).toContain(STORED_BY_TIME);
    const spread = await timeSpread(eventsByCustomer.db, 'mail_events', 'occurred_at');
    expect(spread.rows).toBe(2 * ORDERS);
    expect(spread.spread).toBeLessThan(0.2);
  });

  it('keeps mail events in time order when an event of the file is there twice', async () => {
    expect(eventsTwice.result.rowsRead).toBe(2 * ORDERS + 1);
    expect(eventsTwice.result.rowsStored).toBe(2 * ORDERS);
    const spread = await timeSpread(eventsTwice.db, 'mail_events', 'occurred_at');
    expect(spread.rows).toBe(2 * ORDERS);
    expect(spread.spread).toBeLessThan(0.2);
  });

  it('keeps the events\' customer ids in ZSTD through the side table and every copy made again', async () => {
    // column-compression.ts: DuckDB's CREATE TABLE text leaves the compression out, and each of
    // these tables was made again from that text (by time, each event once).
    for (const { db } of [eventsByCustomer, eventsTwice]) {
      await db.run('CHECKPOINT');
      const stored = await db.all<{ compression: string }>(
        `SELECT DISTINCT compression FROM pragma_storage_info('mail_events') WHERE column_name = 'customer_id' AND segment_type = 'VARCHAR' ORDER BY 1`);
      expect(stored.map((s) => s.compression)).toEqual(['ZSTD']);
    }
  });

  it('keeps the lines as loaded, with a warning, when storing them by time runs out of memory', async () => {
    const db = await DuckDBEngine.open(join(dir, 'short-of-memory.duckdb'));
    databases.push(db);
    const warnings: string[] = [];
    const run = db.run.bind(db);
    db.run = ((statement: string, ...rest: unknown[]) => {
      if (statement.startsWith('INSERT INTO kumiwake_remaking_purchases')) return Promise.reject(new OutOfMemoryError('400MB', 'KUMIWAKE_MEMORY_LIMIT'));
      return (run as (...a: unknown[]) => Promise<void>)(statement, ...rest);
    }) as typeof db.run;
    const result = await importFiles(db, {
      table: purchases, files: [join(dir, 'by-customer.csv')], logger: { ...logger, warn: (_: object, message: string) => void warnings.push(message) },
    });
    db.run = run;
    expect(result.rowsStored).toBe(2 * ORDERS);
    expect(warnings.some((w) => w.includes('not in time order') && w.includes('KUMIWAKE_MEMORY_LIMIT'))).toBe(true);
    expect((await timeSpread(db, 'purchases', 'ordered_at')).spread).toBeGreaterThan(SPREAD_KEPT_AT_MOST);
    expect(await summaryText(db)).toBe(await summaryText(byDate.db));
    const tables = await db.all<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables() WHERE table_name LIKE 'kumiwake_%'`);
    expect(tables).toEqual([]);
  });

  it('leaves a table of few rows, or one in time order, as it is', () => {
    expect(storedAgainByTime({ rows: STORED_BY_TIME_FROM_ROWS - 1, spread: 1 })).toBe(false);
    expect(storedAgainByTime({ rows: STORED_BY_TIME_FROM_ROWS, spread: SPREAD_KEPT_AT_MOST })).toBe(false);
    expect(storedAgainByTime({ rows: STORED_BY_TIME_FROM_ROWS, spread: 0.9 })).toBe(true);
    // Sorted, eight row groups span an eighth of the history each.
    expect(storedAgainByTime({ rows: STORED_BY_TIME_FROM_ROWS, spread: 1 / 8 })).toBe(false);
  });
});
