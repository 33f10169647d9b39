/**
 * One customer on ClickHouse, for `why` and `customer`: whether each node and each saved segment
 * holds comes from the ClickHouse planner over the whole shop (as the count decides, RFM scores
 * from every customer's figures); what is shown beside it (the customer's values, order and mail
 * figures, latest orders and events) is read by the DuckDB code from a copy of that customer's
 * rows in an in-memory DuckDB (their customers row, lines, mail events and subscriptions, the
 * mail catalogue and the shop's settings), so the figures are DuckDB's rules on ClickHouse's data.
 */
import type { ClickHouseEngine } from '../engine/clickhouse/engine.js';
import type { ColumnInfo } from '../engine/engine.js';
import { DuckDBEngine } from '../engine/duckdb/engine.js';
import { refreshDerivedTables } from '../engine/duckdb/import/derived.js';
import { chIdent } from '../dialect/clickhouse/literal.js';
import { sqlIdent } from '../dialect/duckdb/sql-text.js';
import type { ClickHouseDialect } from '../dialect/clickhouse/dialect.js';
import { KumiwakeError } from '../errors.js';
import type { LocalDate } from '../model/dates.js';
import type { Segment } from '../model/segment.js';
import { foldText } from '../planner/compile-field.js';
import { compileClickHouseMemberships, compileClickHouseNodeTruth, compileClickHouseRfmScores } from '../planner/clickhouse/compile-one-customer.js';
import type { ClickHousePlanOptions } from '../planner/clickhouse/compile-segment.js';
import type { NodeTruth, OneCustomer } from './plan-target.js';

const MAX_HINTS = 3;
/** Rows a statement inserts into the copy at a time. */
const BATCH = 200;
/** The customer's own rows, then tables copied whole (small: the mail catalogue). */
const OWN_TABLES = ['customers', 'purchases', 'mail_events', 'subscriptions'] as const;
const WHOLE_TABLES = ['mails'] as const;

const yes = (v: unknown) => v === true || v === 1 || v === '1';

/** An id the customers table holds exactly, or a fault naming the near ones (folded as on DuckDB where the server folds; else case and spaces). */
async function assertExists(engine: ClickHouseEngine, dialect: ClickHouseDialect, customerId: string): Promise<void> {
  const exact = await engine.query({ sql: 'SELECT 1 AS one FROM customers WHERE customer_id = $1 LIMIT 1', parameters: [customerId] });
  if (exact.length > 0) return;
  const folded = dialect.foldsInSql ? 'lowerUTF8(normalizeUTF8NFKC(customer_id))' : "lowerUTF8(replaceRegexpAll(customer_id, '^ +| +$', ''))";
  const near = await engine.query<{ customer_id: string }>({
    sql: `SELECT customer_id FROM customers WHERE ${folded} = $1 ORDER BY customer_id LIMIT ${MAX_HINTS}`, parameters: [foldText(customerId.trim())],
  });
  const hint = near.length > 0 ? `; did you mean ${near.map((r) => `"${r.customer_id}"`).join(', ')}?` : '';
  throw new KumiwakeError('unknown-customer', `there is no customer "${customerId}" (customer ids compare exactly, as imported${hint})`, 2);
}

/** A value read from ClickHouse as the DuckDB column of `type` takes it (CAST from text, dates from YYYYMMDD, flags from 1 / 0). */
function duckValue(type: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (type === 'DATE') {
    const n = String(value).padStart(8, '0');
    return `${n.slice(0, -4)}-${n.slice(-4, -2)}-${n.slice(-2)}`;
  }
  if (type === 'BOOLEAN') return yes(value);
  // NULL tags are stored as [] on ClickHouse (no Nullable arrays).
  if (type.endsWith('[]')) return Array.isArray(value) && value.length > 0 ? value.map(String) : null;
  return String(value);
}

/** The rows of `where` in one ClickHouse table, read as the same DuckDB table's columns (those both have) take them. */
async function readTable(
  engine: ClickHouseEngine, table: string, where: { sql: string; parameters: unknown[] }, both: { duck: ColumnInfo[]; click: ColumnInfo[] },
): Promise<{ table: string; columns: ColumnInfo[]; rows: Array<Record<string, unknown>> }> {
  const clickColumns = new Set(both.click.filter((c) => c.table === table).map((c) => c.column));
  const columns = both.duck.filter((c) => c.table === table && clickColumns.has(c.column));
  const read = columns.map((c, i) => (c.type.endsWith('[]') ? `${chIdent(c.column)} AS c${i}` : `toString(${chIdent(c.column)}) AS c${i}`));
  const rows = await engine.query<Record<string, unknown>>({ sql: `SELECT ${read.join(', ')} FROM ${chIdent(table)} ${where.sql}`, parameters: where.parameters });
  return { table, columns, rows };
}

/** Rows read by `readTable` into the copy, BATCH rows a statement. */
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

/** The attr: / group: columns ClickHouse has, added to the copy's tables. */
async function addGroupColumns(click: readonly ColumnInfo[], copy: DuckDBEngine): Promise<void> {
  for (const c of click) {
    if ((c.table === 'customers' && c.column.startsWith('attr:') && !c.column.endsWith('_folded')) || (c.table === 'purchases' && c.column.startsWith('group:'))) {
      await copy.run(`ALTER TABLE ${sqlIdent(c.table)} ADD COLUMN IF NOT EXISTS ${sqlIdent(c.column)} VARCHAR`);
    }
  }
}

/**
 * Opens one customer: refuses an id the customers table does not hold, copies their rows, and
 * gives the truth of definitions for them from ClickHouse. `close` drops the copy.
 */
export async function openOneCustomer(engine: ClickHouseEngine, customerId: string, options: ClickHousePlanOptions): Promise<OneCustomer> {
  const [click] = await Promise.all([engine.introspect(), assertExists(engine, options.dialect, customerId)]);
  const copy = await DuckDBEngine.open(':memory:');
  try {
    await addGroupColumns(click, copy);
    const both = { duck: await copy.introspect(), click };
    const own = { sql: 'WHERE customer_id = $1', parameters: [customerId] };
    const read = await Promise.all([...OWN_TABLES.map((t) => readTable(engine, t, own, both)), ...WHOLE_TABLES.map((t) => readTable(engine, t, { sql: '', parameters: [] }, both))]);
    for (const table of read) await writeTable(copy, table);
    const settings = await engine.state.query<{ name: string; value: string; set_at: unknown }>({ sql: 'SELECT name, value, CAST(set_at AS VARCHAR) AS set_at FROM settings', parameters: [] });
    for (const s of settings) await copy.query({ sql: 'INSERT INTO settings (name, value, set_at) VALUES ($1, $2, CAST($3 AS TIMESTAMP))', parameters: [s.name, s.value, s.set_at] });
    // The lifetime summaries of the one customer, under the shop's sales statuses (customer's lifetime figures).
    await refreshDerivedTables(copy, 'purchases');
  } catch (error) {
    copy.close();
    throw error;
  }
  return {
    copy,
    truth: async (segment: Segment): Promise<NodeTruth> => {
      const plan = compileClickHouseNodeTruth(segment, customerId, options);
      const [row] = await engine.query<Record<string, unknown>>(plan);
      if (!row) throw new Error(`INTERNAL ERROR: customer ${customerId} exists but the truth statement returned no row`);
      const holds = new Map(plan.nodes.map((n) => [n.path, yes(row[n.column])]));
      const hasRfm = plan.nodes.some((n) => n.condition.kind === 'rfm');
      const [scores] = hasRfm ? await engine.query<{ r: unknown; f: unknown; m: unknown }>(compileClickHouseRfmScores(customerId, options)) : [];
      return { holds, in: yes(row.why_in), ...(hasRfm ? { rfm: { r: num(scores?.r), f: num(scores?.f), m: num(scores?.m) } } : {}) };
    },
    memberships: async (segments: readonly Segment[]) => {
      const [row] = await engine.query<Record<string, unknown>>(compileClickHouseMemberships(segments, customerId, options));
      return segments.map((_, i) => yes(row?.[`s${i}`]));
    },
    close: () => copy.close(),
  };
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
