import type { CompiledQuery, Engine } from '../engine/engine.js';
import type { SqlDialect } from '../dialect/dialect.js';
import { dialectOf } from '../dialect/registry.js';
import { silentLogger, type Logger } from '../logger.js';
import { formatDate, type LocalDate } from '../model/dates.js';
import type { Segment } from '../model/segment.js';
import { validateDefinition } from '../model/validate.js';
import { compileCount, compileMemberFlags, compileMembers, type CompiledSegment } from '../planner/compile-segment.js';
import type { SegmentStore } from './store.js';
import type { SchemaInfo } from '../planner/context.js';
import { memberCountsSql, type MemberCounts, type PlanTarget } from './plan-target.js';
import { assertNoWarnings, segmentWarnings, type SegmentWarning } from './warnings.js';
import { readSettings } from './settings.js';
import { NUMBERED_TABLES, UNNUMBERED_ROW_SQL } from '../engine/duckdb/import/customer-numbers.js';
import { MAIL_EVENT_SETS_MARK, type MailEventSetsMark } from '../engine/duckdb/import/mail-event-sets.js';

export interface CountResult {
  readonly count: number;
  readonly reachable: { readonly email: number; readonly line: number; readonly dm: number };
  readonly asOf: string;
  readonly elapsedMs: number;
  /** what the definition names that the data does not hold (src/segments/warnings.ts); empty when none */
  readonly warnings: readonly SegmentWarning[];
}

export interface CountOptions {
  /** warnings are a fault (`StrictWarningsError`, exit 2) instead of part of the result */
  readonly strict?: boolean;
}

export { memberCountsSql, type MemberCounts, type PlanTarget } from './plan-target.js';

export async function planTargetOf(db: Engine): Promise<PlanTarget> {
  if (db.dialectName === 'clickhouse') return (await import('./clickhouse-target.js')).clickhousePlanTarget(db, schemaInfo);
  const dialect = dialectOf(db);
  const options = (asOf: LocalDate) => ({ dialect, asOf, schema });
  const schema = await schemaInfo(db);
  return {
    dialect, schema,
    compileCount: (segment, asOf) => compileCount(segment, options(asOf)),
    compileMembers: (segment, asOf) => compileMembers(segment, options(asOf)),
    compileMemberFlags: (segment, asOf) => compileMemberFlags(segment, options(asOf)),
    query: (plan) => db.query(plan),
    materialize: async (table, plan) => {
      await db.query({ sql: `DROP TABLE IF EXISTS ${table}`, parameters: [] });
      await db.query({ sql: `CREATE TEMP TABLE ${table} AS ${plan.sql}`, parameters: plan.parameters });
      return (await db.query<MemberCounts>(memberCountsSql(table)))[0]!;
    },
  };
}

/** Validates a definition (saved segments it refers to included) and plans its count. */
export function planCount(definition: unknown, store: SegmentStore, asOf: LocalDate, target: PlanTarget): CompiledSegment {
  const valid = validateDefinition(definition, { asOf, lookupSegment: store.lookup });
  return target.compileCount(valid, asOf);
}

export function planMembers(definition: unknown, store: SegmentStore, asOf: LocalDate, target: PlanTarget): CompiledSegment {
  const valid = validateDefinition(definition, { asOf, lookupSegment: store.lookup });
  return target.compileMembers(valid, asOf);
}

/** The attr:/group: columns this database has, for the planner; the shop's settings are read from `settingsDb` (ClickHouse: its state file). */
export async function schemaInfo(db: Engine, settingsDb: Engine = db): Promise<SchemaInfo> {
  const columns = await db.introspect();
  const rows = columns
    .filter((c) => (c.table === 'customers' && c.column.startsWith('attr:')) || (c.table === 'purchases' && c.column.startsWith('group:')))
    .map((c) => ({ table_name: c.table, column_name: c.column }));
  const values = columns.some((c) => c.table === 'customer_values')
    ? await db.query<{ column_name: string; value: string }>({ sql: 'SELECT column_name, value FROM customer_values', parameters: [] })
    : [];
  const customerValues = new Map<string, string[]>();
  for (const { column_name, value } of values) {
    const list = customerValues.get(column_name);
    if (list) list.push(value);
    else customerValues.set(column_name, [value]);
  }
  return {
    // The mark set by refreshDerivedTables (src/import/derived.ts) once the summaries are built.
    purchaseSummaries: await db.hasSchemaMark('purchase_summaries'),
    productOrderIds: columns.some((c) => c.table === 'customer_products' && c.column === 'only_order_id') && await db.hasSchemaMark('product_order_ids'),
    // The mark set once every customer's flags are kept (src/engine/duckdb/import/customer-columns.ts).
    reachableFlags: columns.some((c) => c.table === 'customers' && c.column === 'reachable_dm') && await db.hasSchemaMark('reachable_flags'),
    // The same for the birthday and tags lookups (src/engine/duckdb/import/customer-columns.ts).
    customerLookups: columns.some((c) => c.table === 'customers' && c.column === 'tags_text') && await db.hasSchemaMark('customer_lookups'),
    ...(await customerNumbersOf(db, columns)),
    missing: new Set(['customers.line_permission', 'mails.subkind', 'subscriptions.customer_id']
      .filter((name) => !columns.some((c) => `${c.table}.${c.column}` === name)).map((name) => name.replace('.customer_id', ''))),
    customerColumns: new Set(rows.filter((r) => r.table_name === 'customers').map((r) => r.column_name)),
    purchaseColumns: new Set(rows.filter((r) => r.table_name === 'purchases').map((r) => r.column_name)),
    customerValues,
    // The shop's fixed RFM cut points, if it set them (kumiwake settings set rfm).
    ...(await readSettings(settingsDb)),
  };
}

/**
 * Whether every row of customers, mail_events and customer_summary carries its customer's
 * number, and the highest number given (src/engine/duckdb/import/customer-numbers.ts), and which
 * stored sets of mail answers there are (mail-event-sets.ts). DuckDB's alone: a ClickHouse engine
 * answers for the columns and marks of its DuckDB state file.
 */
async function customerNumbersOf(db: Engine, columns: readonly { table: string; column: string }[]): Promise<Pick<SchemaInfo, 'customerNumbers' | 'highestCustomerNumber' | 'mailEventSets'>> {
  if (db.dialectName !== 'duckdb' || !NUMBERED_TABLES.every((t) => columns.some((c) => c.table === t && c.column === 'customer_no'))
    || !(await db.hasSchemaMark('customer_numbers'))) return { customerNumbers: false };
  // Every count asks: one statement for all three.
  const [state] = await db.query<{ unnumbered: boolean; highest: number; sets: string | null }>({
    sql: `SELECT u.unnumbered, (SELECT COALESCE(max(customer_no), 0) FROM customer_numbers) AS highest,
            (SELECT value FROM schema_info WHERE key = $1) AS sets FROM (${UNNUMBERED_ROW_SQL}) AS u`,
    parameters: [MAIL_EVENT_SETS_MARK] });
  if (state!.unnumbered) return { customerNumbers: false };
  const sets = state!.sets === null ? undefined : JSON.parse(state!.sets) as MailEventSetsMark;
  const kept = sets !== undefined && sets.events.length > 0 && columns.some((c) => c.table === 'mail_event_sets');
  return {
    customerNumbers: true, highestCustomerNumber: Number(state!.highest),
    ...(kept ? { mailEventSets: { events: new Set(sets.events), highest: sets.highest } } : {}),
  };
}

export async function countSegment(
  db: Engine, definition: unknown, store: SegmentStore, asOf: LocalDate, log: Logger = silentLogger, options: CountOptions = {},
): Promise<CountResult> {
  const started = performance.now();
  const valid = validateDefinition(definition, { asOf, lookupSegment: store.lookup });
  const target = await planTargetOf(db);
  const plan = target.compileCount(valid, asOf);
  const warnings = await warningsOf(db, valid, asOf, target, log, options);
  const [row] = await target.query<MemberCounts>(plan);
  return {
    count: Number(row!.count),
    reachable: { email: Number(row!.email), line: Number(row!.line), dm: Number(row!.dm) },
    asOf: formatDate(asOf),
    elapsedMs: Math.round(performance.now() - started),
    warnings,
  };
}

/**
 * Evaluates a definition once into a temp table `table` (customer_id and reachable flags) for
 * the writers to read, and counts it: the count and the lists come from the same evaluation.
 */
export async function materializeMembers(
  db: Engine, definition: unknown, store: SegmentStore, asOf: LocalDate, table: string, log: Logger = silentLogger, options: CountOptions = {},
): Promise<CountResult> {
  const started = performance.now();
  const valid = validateDefinition(definition, { asOf, lookupSegment: store.lookup });
  const target = await planTargetOf(db);
  const plan = target.compileMemberFlags(valid, asOf);
  const warnings = await warningsOf(db, valid, asOf, target, log, options);
  const row = await target.materialize(table, plan);
  return {
    count: Number(row!.count),
    reachable: { email: Number(row!.email), line: Number(row!.line), dm: Number(row!.dm) },
    asOf: formatDate(asOf),
    elapsedMs: Math.round(performance.now() - started),
    warnings,
  };
}

/**
 * The definition's warnings against the data (names it gives that the data does not hold),
 * logged at debug level (they are in the result), or thrown as one fault when `strict`.
 */
export async function warningsOf(db: Engine, segment: Segment, asOf: LocalDate, target: PlanTarget, log: Logger, options: CountOptions): Promise<readonly SegmentWarning[]> {
  const warnings = target.warnings ? await target.warnings(segment, asOf) : await segmentWarnings(db, segment, { dialect: target.dialect, schema: target.schema, asOf });
  for (const w of warnings) log.debug({ segment: segment.name, code: w.code, path: w.path, suggestions: w.suggestions }, w.message);
  assertNoWarnings(warnings, options.strict);
  return warnings;
}
