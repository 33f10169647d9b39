/**
 * One customer's rows copied from ClickHouse into an in-memory DuckDB with Kumiwake's schema, for
 * `why` and `customer` (src/segments/clickhouse-customer.ts): their customers row, order lines,
 * mail events and subscriptions, the mail catalogue (copied tables are small) and the shop's
 * settings, then the lifetime summaries built there, so the DuckDB code reads its figures from
 * ClickHouse's data. Column by column as both tables have them; ClickHouse's types converted
 * (dates from YYYYMMDD, flags from 1 / 0, NULL tags from `[]`).
 */
import { chIdent } from '../../dialect/clickhouse/literal.js';
import { sqlIdent } from '../../dialect/duckdb/sql-text.js';
import { DuckDBEngine } from '../duckdb/engine.js';
import { refreshDerivedTables } from '../duckdb/import/derived.js';
import { refreshKeptCustomerColumns } from '../duckdb/import/customer-columns.js';
import type { ColumnInfo } from '../engine.js';
import type { ClickHouseEngine } from './engine.js';

/** Rows a statement inserts into the copy at a time. */
const BATCH = 200;
const OWN_TABLES = ['customers', 'purchases', 'mail_events', 'subscriptions'] as const;
const WHOLE_TABLES = ['mails'] as const;

const yes = (v: unknown) => v === true || v === 1 || v === '1';

/** Whether the customers table holds the id exactly, and else the ids near it (up to `max`): `folded` is the id as the server's folding gives it. */
export async function customerIdsLike(engine: ClickHouseEngine, customerId: string, folded: string, foldsInSql: boolean, max: number): Promise<{ exact: boolean; near: string[] }> {
  const exact = await engine.query({ sql: 'SELECT 1 AS one FROM customers WHERE customer_id = $1 LIMIT 1', parameters: [customerId] });
  if (exact.length > 0) return { exact: true, near: [] };
  // 18.16 has no NFKC: case and surrounding spaces only there.
  const key = foldsInSql ? 'lowerUTF8(normalizeUTF8NFKC(customer_id))' : "lowerUTF8(replaceRegexpAll(customer_id, '^ +| +$', ''))";
  let near = await engine.query<{ customer_id: string }>({ sql: `SELECT customer_id FROM customers WHERE ${key} = $1 ORDER BY customer_id LIMIT ${max}`, parameters: [folded] });
  if (!foldsInSql) {
    // Width (ＡＢ１ for ab1) is folded here, over the ids of as many characters that are not ASCII: few, and only on this path of a mistyped id.
    const wide = await engine.query<{ customer_id: string }>({
      sql: "SELECT customer_id FROM customers WHERE lengthUTF8(replaceRegexpAll(customer_id, '^ +| +$', '')) = $1 AND NOT match(customer_id, '^[[:ascii:]]*$') LIMIT 100000",
      parameters: [[...folded].length],
    });
    const widths = wide.map((r) => r.customer_id).filter((id) => id.normalize('NFKC').trim().toLowerCase() === folded);
    near = [...new Set([...near.map((r) => r.customer_id), ...widths])].sort().slice(0, max).map((customer_id) => ({ customer_id }));
  }
  // A member number typed without its zeros (`2` for `00000002`): the ids of that number, as on DuckDB.
  if (near.length === 0 && /^\d{1,15}$/.test(folded)) {
    near = await engine.query<{ customer_id: string }>({ sql: `SELECT customer_id FROM customers WHERE toInt64OrNull(replaceRegexpAll(customer_id, '^ +| +$', '')) = $1 ORDER BY customer_id LIMIT ${max}`, parameters: [Number(folded)] });
  }
  return { exact: false, near: near.map((r) => r.customer_id) };
}

/** A value read from ClickHouse as the DuckDB column of `type` takes it (CAST from text). */
function duckValue(type: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'DATE') {
    const n = String(value).padStart(8, '0');
    return `${n.slice(0, -4)}-${n.slice(-4, -2)}-${n.slice(-2)}`;
  }
  if (type === 'BOOLEAN') return yes(value);
  if (type.endsWith('[]')) return Array.isArray(value) && value.length > 0 ? value.map(String) : null;
  return String(value);
}

type Both = { readonly duck: ColumnInfo[]; readonly click: ColumnInfo[] };

async function readTable(engine: ClickHouseEngine, table: string, where: { sql: string; parameters: unknown[] }, both: Both) {
  const clickColumns = new Set(both.click.filter((c) => c.table === table).map((c) => c.column));
  const columns = both.duck.filter((c) => c.table === table && clickColumns.has(c.column));
  const read = columns.map((c, i) => (c.type.endsWith('[]') ? `${chIdent(c.column)} AS c${i}` : `toString(${chIdent(c.column)}) AS c${i}`));
  const rows = await engine.query<Record<string, unknown>>({ sql: `SELECT ${read.join(', ')} FROM ${chIdent(table)} ${where.sql}`, parameters: where.parameters });
  return { table, columns, rows };
}

async function writeTable(copy: DuckDBEngine, { table, columns, rows }: Awaited<ReturnType<typeof readTable>>): Promise<void> {
  const names = columns.map((c) => sqlIdent(c.column)).join(', ');
  for (let start = 0; start < rows.length; start += BATCH) {
    const parameters: unknown[] = [];
    const values = rows.slice(start, start + BATCH).map((row) => `(${columns.map((c, i) => {
      parameters.push(duckValue(c.type, row[`c${i}`]));
      return `CAST($${parameters.length} AS ${c.type})`;
    }).join(', ')})`);
    await copy.query({ sql: `INSERT INTO ${sqlIdent(table)} (${names}) VALUES ${values.join(', ')}`, parameters });
  }
}

/** The copy of one customer (who exists: checked by the caller); the caller closes it. */
export async function copyCustomer(engine: ClickHouseEngine, customerId: string): Promise<DuckDBEngine> {
  const click = await engine.introspect();
  const copy = await DuckDBEngine.open(':memory:');
  try {
    for (const c of click) {
      const group = (c.table === 'customers' && c.column.startsWith('attr:') && !c.column.endsWith('_folded')) || (c.table === 'purchases' && c.column.startsWith('group:'));
      if (group) await copy.run(`ALTER TABLE ${sqlIdent(c.table)} ADD COLUMN IF NOT EXISTS ${sqlIdent(c.column)} VARCHAR`);
    }
    const both = { duck: await copy.introspect(), click };
    const own = { sql: 'WHERE customer_id = $1', parameters: [customerId] };
    const read = await Promise.all([...OWN_TABLES.map((t) => readTable(engine, t, own, both)), ...WHOLE_TABLES.map((t) => readTable(engine, t, { sql: '', parameters: [] }, both))]);
    for (const table of read) await writeTable(copy, table);
    const settings = await engine.state.query<{ name: string; value: string; set_at: unknown }>({ sql: 'SELECT name, value, CAST(set_at AS VARCHAR) AS set_at FROM settings', parameters: [] });
    for (const s of settings) await copy.query({ sql: 'INSERT INTO settings (name, value, set_at) VALUES ($1, $2, CAST($3 AS TIMESTAMP))', parameters: [s.name, s.value, s.set_at] });
    // The one customer's lifetime summaries, under the shop's sales statuses, and the columns a
    // customers import keeps (the copy's rows were inserted, not imported).
    await refreshDerivedTables(copy, 'purchases');
    await refreshKeptCustomerColumns(copy);
    return copy;
  } catch (error) {
    copy.close();
    throw error;
  }
}
