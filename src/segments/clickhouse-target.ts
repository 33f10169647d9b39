/**
 * The ClickHouse side of the plan seam (`planTargetOf` in evaluate.ts): part B's set-based
 * planner (src/planner/clickhouse/) with the server's dialect and part A's table names, and the
 * members table a ClickHouse export reads. What is skipped there: src/api/CONTEXT.md (ClickHouse).
 */
import { randomBytes } from 'node:crypto';
import type { Engine } from '../engine/engine.js';
import { clickhouseEngineOf, type ClickHouseEngine } from '../engine/clickhouse/engine.js';
import { localTableName } from '../engine/clickhouse/schema.js';
import { summaryIsCurrent } from '../engine/clickhouse/customer-summary.js';
import { copyIdsToState } from '../engine/clickhouse/state-members.js';
import { clickhouseDialectFor } from '../dialect/clickhouse/dialect.js';
import { inlineParameters } from '../dialect/clickhouse/inline.js';
import { chIdent, chString } from '../dialect/clickhouse/literal.js';
import { membersTableOf, setMembersTable } from '../export/select.js';
import type { LocalDate } from '../model/dates.js';
import {
  compileClickHouseCount, compileClickHouseMailSelectionCount, compileClickHouseMemberFlags, compileClickHouseMembers, type ClickHousePlanOptions,
} from '../planner/clickhouse/compile-segment.js';
import type { TableName } from '../planner/clickhouse/context.js';
import { compileClickHouseConditionCounts, compileClickHouseOverlap } from '../planner/clickhouse/compile-condition-counts.js';
import { compileClickHouseBreakdown } from '../planner/clickhouse/compile-breakdown.js';
import type { SchemaInfo } from '../planner/context.js';
import { memberCountsSql, type MemberCounts, type PlanTarget } from './plan-target.js';

/** Whether a server folds text in SQL (NFKC), asked once per engine: 18.16 has not, and reads the folded copies. */
const nfkcByEngine = new WeakMap<ClickHouseEngine, Promise<boolean>>();
function hasNfkc(engine: ClickHouseEngine): Promise<boolean> {
  let known = nfkcByEngine.get(engine);
  if (!known) {
    known = engine.query<{ n: unknown }>({ sql: `SELECT count() AS n FROM system.functions WHERE name = ${chString('normalizeUTF8NFKC')}`, parameters: [] })
      .then(([row]) => Number(row?.n ?? 0) > 0);
    nfkcByEngine.set(engine, known);
  }
  return known;
}

/**
 * The plan target of a ClickHouse engine: part B's planner, the attr:/group: columns of the
 * servers, the settings of the state file. The value dictionary and the DuckDB summaries do not
 * exist there: the warnings read the values they need from the servers (clickhouse-warnings.ts).
 */
export async function clickhousePlanTarget(db: Engine, schemaInfo: (db: Engine, settingsDb: Engine) => Promise<SchemaInfo>): Promise<PlanTarget> {
  const engine = clickhouseEngineOf(db);
  const schema = { ...(await schemaInfo(engine, engine.state)), customerValues: new Map<string, string[]>(), purchaseSummaries: false, reachableFlags: false, customerLookups: false, customerNumbers: false };
  const dialect = clickhouseDialectFor(await hasNfkc(engine));
  const { database } = engine.layout;
  // Lifetime figures come from the per-customer summary when it counted lines by the shop's sales basis.
  const customerSummary = await summaryIsCurrent(engine.servers, schema.salesStatuses);
  const options = (asOf: LocalDate): ClickHousePlanOptions => ({
    dialect, asOf, schema, customerSummary,
    localTable: (table: TableName) => `${database}.${localTableName(engine.layout, table)}`,
    wholeTable: (table: TableName) => `${database}.${table}`,
  });
  return {
    dialect, schema,
    warnings: async (segment, asOf) => (await import('./clickhouse-warnings.js')).clickhouseSegmentWarnings(engine, segment, {
      dialect, schema, asOf, compileMailSelectionCount: (leaf) => compileClickHouseMailSelectionCount(leaf, options(asOf)),
    }),
    compileCount: (segment, asOf) => compileClickHouseCount(segment, options(asOf)),
    compileMembers: (segment, asOf) => compileClickHouseMembers(segment, options(asOf)),
    compileMemberFlags: (segment, asOf) => compileClickHouseMemberFlags(segment, options(asOf)),
    compileConditionCounts: (segment, asOf) => compileClickHouseConditionCounts(segment, options(asOf)),
    compileOverlap: (segments, asOf) => compileClickHouseOverlap(segments, options(asOf)),
    compileBreakdown: (segment, keys, asOf) => compileClickHouseBreakdown(segment, keys, options(asOf)),
    oneCustomer: async (customerId, asOf) => (await import('./clickhouse-customer.js')).openOneCustomer(engine, customerId, options(asOf)),
    query: (plan) => engine.query(plan),
    materialize: async (table, plan) => {
      const members = await createClickHouseMembers(db, engine, plan);
      const [counts] = await engine.query<MemberCounts>(memberCountsSql(members));
      // A job run keeps its member set in the state file, beside its history.
      if (db !== engine) await copyIdsToState(engine, `SELECT customer_id FROM ${members}`, table);
      return counts!;
    },
  };
}

/**
 * The members of one evaluation on ClickHouse: a Memory table on the server the statements are
 * sent to, named per process and evaluation (18.16 over HTTP has no session, so no TEMPORARY
 * table), dropped by the next evaluation on the same engine and by `dropClickHouseMembers` when
 * the workspace closes. A process killed before leaves it until the server restarts (a Memory
 * table is not kept on disk). `owner` is the engine the exports are given (`membersTableOf`).
 */
async function createClickHouseMembers(owner: Engine, engine: ClickHouseEngine, plan: { sql: string; parameters: readonly unknown[] }): Promise<string> {
  await dropClickHouseMembers(owner);
  const name = `kumiwake_members_${process.pid}_${randomBytes(4).toString('hex')}`;
  const table = `${chIdent(engine.layout.database)}.${chIdent(name)}`;
  await engine.servers.coordinator.run(`CREATE TABLE ${table} ENGINE = Memory AS ${inlineParameters(plan.sql, plan.parameters)}`);
  setMembersTable(owner, table);
  return table;
}

/** Drops the members table kept for `owner` (an engine, or a job's engine in front of one), if any. */
export async function dropClickHouseMembers(owner: Engine): Promise<void> {
  const table = membersTableOf(owner);
  if (!table) return;
  setMembersTable(owner, undefined);
  await clickhouseEngineOf(owner).servers.coordinator.run(`DROP TABLE IF EXISTS ${table}`);
}
