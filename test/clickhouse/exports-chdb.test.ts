/**
 * The export lists of src/export/clickhouse/ on ClickHouse 26.7 (chdb, in-process; the two-shard
 * 18.16 cluster is exports.test.ts): over the sample shop copied from DuckDB, each list (members
 * with figures, order lines, ids of which one is no longer stored) gives DuckDB's rows cell for
 * cell, as text (what CSV writes) and typed (what Excel and Arrow write).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { clickhouseDialect } from '../../src/dialect/clickhouse/dialect.js';
import { duckdbDialect } from '../../src/dialect/duckdb/dialect.js';
import { attributeColumns, orderGroupColumns, resolveExportColumns } from '../../src/export/columns.js';
import type { ServerMembers } from '../../src/export/clickhouse/context.js';
import { convertRow, typedConversions } from '../../src/export/clickhouse/typed.js';
import { exportSelect, MEMBERS_TABLE, type CellStyle, type Rendering } from '../../src/export/select.js';
import { resolveSortKeys } from '../../src/export/sort.js';
import { CHANGE_COLUMN } from '../../src/jobs/diff.js';
import { parseSalesStatuses, storeSalesStatuses } from '../../src/segments/sales-statuses.js';
import { chdbTarget, type ClickHouseTarget } from './planner-targets.js';
import { halfSenFiles, sampleShopInDuckDB } from './sample-shop.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { customers, purchases } from '../../src/catalog/tables.js';
import { tempDir } from '../helpers/cli.js';

const target = await chdbTarget();
if (typeof target === 'string') {
  if (process.env.CI === 'true') throw new Error(`${target}; under CI=true the ClickHouse 26.7 checks must run`);
  console.warn(`${target}: the export lists on ClickHouse 26.7 are skipped`);
}

const FIGURES = ['customer_id', 'name', 'gender', 'birthday', 'is_smartphone', 'tags', 'points', 'registered_at', 'order_count', 'total_sales',
  'first_ordered_at', 'last_ordered_at', 'days_since_last_order', 'average_order_value', 'last_order_store_id', 'mails_sent', 'last_mail_sent_at', 'attr:会員ランク'];
const pad = (n: number) => String(n).padStart(2, '0');
/** A cell as comparable text: DuckDB hands timestamps as Dates and integers as bigints, chdb's JSON as strings. */
const cell = (v: unknown): unknown => (v instanceof Date ? `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}`
  : typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean' ? String(typeof v === 'boolean' ? v : Number(v)) : Array.isArray(v) ? v.map(cell) : v);

describe.skipIf(typeof target === 'string')('export lists on ClickHouse 26.7 (chdb) = DuckDB\'s', () => {
  const ch = target as ClickHouseTarget;
  let duck: DuckDBEngine;
  let salesStatuses: string[] | undefined;
  // Store 100 is named (with a quote and a comma), 300 has no name, 200 is not listed: the names as DuckDB's LEFT JOIN gives them.
  const STORES: ReadonlyArray<[string, string | null]> = [['100', '本店 "銀座", 1F'], ['300', null]];
  const members = (table: string, idsOnly = false): ServerMembers => ({
    table: `kumiwake.${table}`, localTable: (t) => `kumiwake.${t}`, wholeTable: (t) => `kumiwake.${t}`, ...(idsOnly ? { idsOnly } : {}),
    ...(salesStatuses ? { salesStatuses } : {}),
    storeNames: STORES.flatMap(([id, name]) => (name === null ? [] : [{ id, name }])),
  });
  beforeAll(async () => {
    duck = await sampleShopInDuckDB();
    // Members whose average order is half a sen: rounded away from zero on both.
    const halves = halfSenFiles(tempDir('kumiwake-chdb-exports-'));
    await importFiles(duck, { table: customers, files: [halves.customers] });
    await importFiles(duck, { table: purchases, files: [halves.purchases] });
    for (const [id, name] of STORES) await duck.query({ sql: 'INSERT INTO stores (store_id, store_name) VALUES ($1, $2)', parameters: [id, name] });
    await ch.load(duck);
    // The members: the customers with an order line; the ids: some of them, and one no longer stored.
    await duck.query({ sql: `CREATE TEMP TABLE ${MEMBERS_TABLE} AS SELECT customer_id FROM customers WHERE customer_id IN (SELECT customer_id FROM purchases)`, parameters: [] });
    await ch.rows({ sql: 'CREATE TABLE kumiwake.m ENGINE = Memory AS SELECT customer_id FROM kumiwake.customers WHERE customer_id IN (SELECT customer_id FROM kumiwake.purchases)', parameters: [], notes: [] });
    await ch.rows({ sql: "CREATE TABLE kumiwake.ids ENGINE = Memory AS SELECT customer_id, if(customer_id < '00000100', 'entered', 'left') AS change FROM kumiwake.m WHERE customer_id < '00000200' UNION ALL SELECT '99999999', 'left'", parameters: [], notes: [] });
  }, 300_000);
  afterAll(async () => {
    await ch.close();
    duck?.close();
  });

  /** The rows of the same list on both, with `cells`, compared as text. */
  const compare = async (names: readonly string[], rendering: Rendering, options: { rows?: 'members' | 'purchases'; sort?: string[]; limit?: number; ids?: boolean; cells?: CellStyle }) => {
    const rows = options.rows ?? 'members';
    const named = { attr: await attributeColumns(duck), group: rows === 'purchases' ? await orderGroupColumns(duck) : new Set<string>() };
    const columns = [...(options.ids ? [CHANGE_COLUMN] : []), ...resolveExportColumns(names, named.attr, '--columns', rows, named.group)];
    const query = { rows, sort: resolveSortKeys(options.sort ?? [], named, rows), limit: options.limit, asOf: '2026-03-31' };
    const cells = options.cells ?? { values: 'canonical', csvFormulas: 'neutralise' };
    const expected = (await duck.query<Record<string, unknown>>({ sql: exportSelect(duckdbDialect, columns, 'canonical', rendering, query, cells), parameters: [] }));
    const got = await ch.rows({ sql: exportSelect(clickhouseDialect, columns, 'canonical', rendering, { ...query, serverMembers: members(options.ids ? 'ids' : 'm', options.ids) }, cells), parameters: [], notes: [] });
    const conversions = typedConversions(columns, cells.values === 'ja');
    if (rendering !== 'text') for (const row of got) convertRow(row, columns.map((c) => c.name), conversions);
    // DuckDB's text list keeps a DATE a date (its CSV writer prints the day): compared as the day.
    const dates = new Set(columns.filter((c) => c.type === 'date' && rendering === 'text').map((c) => c.name));
    const text = (list: Array<Record<string, unknown>>) => list.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, dates.has(k) && v instanceof Date ? String(cell(v)).slice(0, 10) : cell(v)])));
    expect(got.length).toBeGreaterThan(0);
    expect(text(got)).toEqual(text(expected));
  };

  it('lists members with figures, dates, yes/no and tags as DuckDB does, as text and typed', async () => {
    await compare(FIGURES, 'text', { sort: ['total_sales:desc', 'tags'] });
    await compare(FIGURES, 'text', { sort: ['last_order_store_id', 'average_order_value:desc'], limit: 50, cells: { values: 'ja', csvFormulas: 'keep' } });
    await compare(FIGURES, 'typed', { sort: ['birthday:desc'] });
    // Store names: the customer's store (none in this shop) and the last order's, named or not.
    await compare(['customer_id', 'store_name', 'last_order_store_id', 'last_order_store_name'], 'text', { sort: ['last_order_store_name', 'customer_id'] });
    await compare(['customer_id', 'last_order_store_name', 'store_name'], 'typed', { ids: false });
  }, 120_000);

  it('lists the members\' order lines with customer columns and figures', async () => {
    await compare(['order_id', 'line_no', 'amount', 'counted', 'status', 'store_id', 'name', 'birthday', 'total_sales', 'mails_sent'], 'text', { rows: 'purchases', sort: ['amount:desc'], limit: 400 });
    await compare(['order_id', 'line_no', 'store_id', 'store_name', 'last_order_store_name'], 'text', { rows: 'purchases', limit: 400 });
  }, 120_000);

  it('lists ids from the state file, one no longer stored, with the change column', async () => {
    await duck.query({ sql: `DROP TABLE ${MEMBERS_TABLE}`, parameters: [] });
    await duck.query({ sql: `CREATE TEMP TABLE ${MEMBERS_TABLE} AS SELECT customer_id, CASE WHEN customer_id < '00000100' THEN 'entered' ELSE 'left' END AS change
      FROM customers WHERE customer_id IN (SELECT customer_id FROM purchases) AND customer_id < '00000200' UNION ALL SELECT '99999999', 'left'`, parameters: [] });
    await compare(['customer_id', 'name', 'birthday', 'order_count', 'total_sales', 'last_ordered_at', 'tags'], 'text', { ids: true });
    await compare(['customer_id', 'name', 'is_smartphone', 'average_order_value'], 'typed', { ids: true });
    await compare(['customer_id', 'store_name', 'last_order_store_name'], 'text', { ids: true });
  }, 120_000);

  it('follows the shop\'s sales statuses as DuckDB\'s summaries do', async () => {
    const orders = async () => (await duck.query<{ n: bigint }>({ sql: 'SELECT sum(order_count) AS n FROM customer_summary', parameters: [] }))[0]!.n;
    const before = await orders();
    // Only cancelled lines as sales: odd, but the sample's other lines are all 完了, which the default counts already.
    await storeSalesStatuses(duck, ['キャンセル']);
    salesStatuses = parseSalesStatuses(['キャンセル']);
    expect(await orders()).not.toBe(before); // the setting changes the figures
    await compare(['customer_id', 'order_count', 'total_sales', 'first_ordered_at', 'last_ordered_at', 'average_order_value', 'last_order_store_id'], 'text', { ids: true });
  }, 120_000);
});
