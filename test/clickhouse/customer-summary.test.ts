/**
 * The per-customer summary on two 18.16 shards (src/engine/clickhouse/customer-summary.ts): lifetime
 * counts read it and equal DuckDB's, every purchases import (a new file, an upsert of a few lines)
 * rebuilds it so a lifetime count changes as DuckDB's does, a products import leaves the figures
 * right, an interrupted import leaves it as it was, and a database without it (or whose summary
 * was built under another sales basis) is answered from the lines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { products, purchases } from '../../src/catalog/tables.js';
import { parseClickHouseUrl } from '../../src/engine/clickhouse/address.js';
import { ClickHouseCluster } from '../../src/engine/clickhouse/cluster.js';
import { summaryIsCurrent } from '../../src/engine/clickhouse/customer-summary.js';
import { ClickHouseEngine } from '../../src/engine/clickhouse/engine.js';
import { importIntoClickHouse } from '../../src/engine/clickhouse/import.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { InterruptedError } from '../../src/interrupt.js';
import type { Logger } from '../../src/logger.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { countSegment, planCount, planTargetOf } from '../../src/segments/evaluate.js';
import { storeSalesStatuses } from '../../src/segments/sales-statuses.js';
import { SegmentStore } from '../../src/segments/store.js';
import { SAMPLE_FILES } from './sample-shop.js';
import { clickhouseMissing, serverQuery, startServers, type Servers } from './servers.js';

const missing = clickhouseMissing();
const asOf = parseLocalDate('2026-06-30')!;

/** Lifetime leaves the summary answers (unwindowed, unscoped), one of each figure. */
const LIFETIME: Record<string, unknown> = {
  'three orders or more': { kind: 'purchases', orderCount: { min: 3 } },
  'repeaters with sales, ordered within a year': { kind: 'purchases', orderCount: { min: 2 }, sales: { min: 20000 }, lastOrderedAt: { from: 'today-365d' } },
  'never ordered': { kind: 'purchases', orderCount: { max: 0 } },
  'first order before 2025': { kind: 'purchases', firstOrderedAt: { to: '2024-12-31' } },
  'last shipped half a year ago': { kind: 'purchases', lastShippedAt: { to: 'today-180d' } },
  'last order through LINE': { kind: 'purchases', lastOrder: { media: ['line'] } },
  'RFM recent and frequent': { kind: 'rfm', r: [4, 5], f: [3, 5] },
};

describe.skipIf(missing !== undefined)('the per-customer summary on two 18.16 shards', () => {
  let servers: Servers;
  let dir: string;
  let engine: ClickHouseEngine;
  let duck: DuckDBEngine;
  let store: SegmentStore;

  /** Each lifetime definition's count on both engines. */
  async function counts(): Promise<{ click: Record<string, number>; duck: Record<string, number> }> {
    const click: Record<string, number> = {};
    const reference: Record<string, number> = {};
    for (const [name, where] of Object.entries(LIFETIME)) {
      click[name] = (await countSegment(engine, { where }, store, asOf)).count;
      reference[name] = (await countSegment(duck, { where }, await SegmentStore.load(duck), asOf)).count;
    }
    return { click, duck: reference };
  }

  /** Every shard's summary rows, in order. */
  const summaryRows = async () => Promise.all(servers.servers.map((s) => serverQuery(s, 'SELECT * FROM shop.customer_summary_local ORDER BY customer_id FORMAT TabSeparated')));
  const leftovers = async () => (await Promise.all(servers.servers.map((s) =>
    serverQuery(s, "SELECT name FROM system.tables WHERE database = 'shop' AND match(name, '_(in|next|old)_') FORMAT TabSeparated")))).join('');
  const readsSummary = async (where: unknown) => planCount({ where }, store, asOf, await planTargetOf(engine)).sql.includes('customer_summary');

  beforeAll(async () => {
    servers = await startServers();
    dir = mkdtempSync(join(tmpdir(), 'kumiwake-ch-summary-'));
    const url = servers.engineUrl('shop');
    const cluster = await ClickHouseCluster.connect(parseClickHouseUrl(url), { create: true });
    await cluster.createTables();
    engine = await ClickHouseEngine.open(url, { stateFile: join(dir, 'state.duckdb') });
    duck = await DuckDBEngine.open(join(dir, 'reference.duckdb'));
    store = await SegmentStore.load(engine);
    for (const { table, file } of SAMPLE_FILES) {
      await importFiles(duck, { table, files: [file] });
      await importIntoClickHouse(engine, { table, files: [file] });
    }
  }, 300_000);
  afterAll(async () => {
    engine?.close();
    duck?.close();
    await servers?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('is built by the purchases import, read by lifetime leaves (windowed ones read the lines), and counts as DuckDB counts', async () => {
    expect(await summaryIsCurrent(engine.servers, undefined)).toBe(true);
    expect((await summaryRows()).every((rows) => rows.trim().split('\n').length > 10)).toBe(true);
    for (const where of Object.values(LIFETIME)) expect(await readsSummary(where), JSON.stringify(where)).toBe(true);
    expect(await readsSummary({ kind: 'purchases', window: { from: 'today-90d' }, orderCount: { min: 2 } })).toBe(false);
    const { click, duck: want } = await counts();
    expect(click).toEqual(want);
    expect(Object.values(want).every((n) => n > 0)).toBe(true);
  }, 120_000);

  it('an upsert of a few lines rebuilds it: a lifetime count changes as DuckDB\'s does', async () => {
    const before = await counts();
    // 00000002 has one order (O2000): two new orders make three; 00000003's only line is cancelled.
    const file = join(dir, 'few-lines.csv');
    writeFileSync(file, 'order_id,line_no,customer_id,ordered_at,shipped_at,product_code,quantity,amount,media,status\n' +
      'O900001,1,00000002,2026-05-01 10:00:00,2026-05-02 10:00:00,P00001,1,15000,line,完了\n' +
      'O900002,1,00000002,2026-06-01 10:00:00,,P00003,2,16000,line,完了\n' +
      'O3000,1,00000003,2024-02-07 18:23:59,2024-02-08 18:23:59,P00046,1,1600,affiliate,キャンセル\n');
    const expected = await importFiles(duck, { table: purchases, files: [file] });
    const result = await importIntoClickHouse(engine, { table: purchases, files: [file] });
    expect(result.rowsStored).toBe(expected.rowsStored);
    const after = await counts();
    expect(after.click).toEqual(after.duck);
    expect(after.duck['three orders or more']).toBe(before.duck['three orders or more']! + 1);
    expect(after.duck['never ordered']).toBe(before.duck['never ordered']! + 1);
    expect(after.duck['last order through LINE']).not.toBe(before.duck['last order through LINE']);
    expect(await summaryIsCurrent(engine.servers, undefined)).toBe(true);
    expect(await leftovers()).toBe('');
  }, 120_000);

  it('a products import leaves the lifetime figures as DuckDB has them', async () => {
    const file = join(dir, 'recategorised.csv');
    writeFileSync(file, 'product_code,category\nP00001,ボディケア\nP00003,\n');
    await importFiles(duck, { table: products, files: [file] });
    await importIntoClickHouse(engine, { table: products, files: [file] });
    const { click, duck: want } = await counts();
    expect(click).toEqual(want);
    expect(await readsSummary(LIFETIME['three orders or more'])).toBe(true);
  }, 120_000);

  it('an import interrupted after building the next summary leaves the summary as it was', async () => {
    const before = await summaryRows();
    const file = join(dir, 'more-lines.csv');
    writeFileSync(file, 'order_id,line_no,customer_id,ordered_at,product_code,quantity,amount\nO900003,1,00000011,2026-06-10 10:00:00,P00001,1,5000\n');
    const controller = new AbortController();
    // Interrupted right after the step that builds the next summary (the signal is checked after it).
    const debug = (_: unknown, step?: string) => {
      if (step === 'per-customer summary built on every shard') controller.abort('test');
    };
    const logger = { debug, info: () => {}, warn: () => {}, error: () => {} } as unknown as Logger;
    const error = await importIntoClickHouse(engine, { table: purchases, files: [file], signal: controller.signal, logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(await summaryRows()).toEqual(before);
    expect(await leftovers()).toBe('');
    const { click, duck: want } = await counts();
    expect(click).toEqual(want);
  }, 120_000);

  it('under another sales basis, or without the tables, counts come from the lines; the next purchases import builds it', async () => {
    // The shop counts only 完了 from now on: the summary was built under "any but cancelled".
    await storeSalesStatuses(duck, '完了');
    await storeSalesStatuses(engine.state, '完了');
    expect(await summaryIsCurrent(engine.servers, ['完了'])).toBe(false);
    expect(await readsSummary(LIFETIME['three orders or more'])).toBe(false);
    const changed = await counts();
    expect(changed.click).toEqual(changed.duck);
    // A database made before the summary: no tables at all.
    for (const server of servers.servers) {
      for (const table of ['customer_summary', 'customer_summary_local', 'customer_summary_basis']) await serverQuery(server, `DROP TABLE shop.${table}`);
    }
    expect(await readsSummary(LIFETIME['three orders or more'])).toBe(false);
    expect((await counts()).click).toEqual(changed.duck);
    const file = join(dir, 'one-more.csv');
    writeFileSync(file, 'order_id,line_no,customer_id,ordered_at,product_code,quantity,amount,status\nO900004,1,00000011,2026-06-11 10:00:00,P00001,1,5000,完了\n');
    await importFiles(duck, { table: purchases, files: [file] });
    await importIntoClickHouse(engine, { table: purchases, files: [file] });
    expect(await summaryIsCurrent(engine.servers, ['完了'])).toBe(true);
    expect(await readsSummary(LIFETIME['three orders or more'])).toBe(true);
    const rebuilt = await counts();
    expect(rebuilt.click).toEqual(rebuilt.duck);
  }, 180_000);
});
