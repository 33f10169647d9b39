import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { mailEvents, purchases } from '../../src/catalog/tables.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { ROWS_LOOKED_AT } from '../../src/engine/duckdb/import/time-order.js';
import type { Logger } from '../../src/logger.js';
import { tempDir } from '../helpers/cli.js';

// A file loaded straight into an empty table goes in sorted by time when its first rows are out
// of time order (grouped by customer, shuffled), so that a window reads only its dates' row
// groups; a file by date, either way, goes in as it is.

const CUSTOMERS = 1_500;
const ORDERS_EACH = 50;
const DAY = 86_400_000;
const START = Date.UTC(2023, 0, 1);

interface Line { order: string; customer: string; at: string; event: 'open' | 'click' }

/** Two lines per order; a customer's orders a fortnight apart, the customers' histories interleaved in time. */
function lines(): Line[] {
  const out: Line[] = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    for (let o = 0; o < ORDERS_EACH; o++) {
      const at = new Date(START + (o * 14 + (c % 14)) * DAY + c * 1_000).toISOString().slice(0, 19).replace('T', ' ');
      const order = `O${c}-${o}`;
      out.push({ order, customer: `C${c}`, at, event: 'open' }, { order, customer: `C${c}`, at, event: 'click' });
    }
  }
  return out;
}

const byTime = (a: Line, b: Line) => a.at.localeCompare(b.at) || a.order.localeCompare(b.order);

/** The lines in a fixed random order (Fisher-Yates over a linear congruential generator). */
function shuffled(rows: readonly Line[]): Line[] {
  const out = [...rows];
  let seed = 42;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('a file out of time order, loaded into an empty table', () => {
  let dir: string;
  const sortedBy: Array<string | undefined> = [];
  const logger: Logger = {
    debug: (fields: object, message: string) => {
      if (message === 'file loaded') sortedBy.push((fields as { sortedBy?: string }).sortedBy);
    },
    info: () => undefined, warn: () => undefined, error: () => undefined,
  };
  const all = lines();

  beforeAll(() => {
    dir = tempDir();
    expect(all.length).toBeGreaterThan(ROWS_LOOKED_AT);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Imports the lines as written, and says whether the load sorted them and how many stored lines go back in time. */
  async function loaded(name: string, rows: readonly Line[], table = purchases) {
    const file = join(dir, `${name}.csv`);
    const text = table === purchases
      ? `order_id,line_no,customer_id,ordered_at,product_code,amount\n${rows.map((l) => `${l.order},${l.event === 'open' ? 1 : 2},${l.customer},${l.at},P1,100`).join('\n')}\n`
      : `customer_id,mail_id,event,occurred_at\n${rows.map((l) => `${l.customer},${l.order},${l.event},${l.at}`).join('\n')}\n`;
    writeFileSync(file, text);
    const db = await DuckDBEngine.open(join(dir, `${name}.duckdb`));
    try {
      sortedBy.length = 0;
      await importFiles(db, { table, files: [file], logger });
      const time = table === purchases ? 'ordered_at' : 'occurred_at';
      const [order] = await db.all<{ back: bigint; ahead: bigint; n: bigint }>(`
        SELECT count(*) FILTER (WHERE t < previous) AS back, count(*) FILTER (WHERE t > previous) AS ahead, count(*) AS n
        FROM (SELECT ${time} AS t, lag(${time}) OVER (ORDER BY rowid) AS previous FROM ${table.table})`);
      return { sortedBy: sortedBy[0], back: Number(order!.back), ahead: Number(order!.ahead), n: Number(order!.n) };
    } finally {
      db.close();
    }
  }

  it('stores lines grouped by customer in time order', async () => {
    const stored = await loaded('by-customer', all);
    expect(stored).toEqual({ sortedBy: 'ordered_at', back: 0, ahead: expect.any(Number), n: all.length });
  });

  it('stores shuffled mail events in time order', async () => {
    const stored = await loaded('shuffled-events', shuffled(all), mailEvents);
    expect(stored).toEqual({ sortedBy: 'occurred_at', back: 0, ahead: expect.any(Number), n: all.length });
  });

  it('loads a file by date, oldest or newest first, as it is', async () => {
    const oldestFirst = [...all].sort(byTime);
    expect((await loaded('by-date', oldestFirst)).sortedBy).toBeUndefined();
    const newestFirst = await loaded('newest-first', [...oldestFirst].reverse());
    expect(newestFirst.sortedBy).toBeUndefined();
    // Kept as written: newest first.
    expect(newestFirst.back).toBeGreaterThan(newestFirst.ahead);
  });

  it('loads a file smaller than a row group as it is', async () => {
    expect((await loaded('small', all.slice(0, 20_000))).sortedBy).toBeUndefined();
  });
});
