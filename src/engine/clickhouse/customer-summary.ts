import { readFileSync } from 'node:fs';
import { KumiwakeError } from '../../errors.js';
import { chString } from '../../dialect/clickhouse/literal.js';
import type { DuckDBEngine } from '../duckdb/engine.js';
import type { ClickHouseCluster } from './cluster.js';
import { errorCode } from './http.js';
import { distributedStatement, qualifiedName, storedName, type Layout } from './schema.js';

/**
 * The lifetime purchase figures per customer on ClickHouse (sql/clickhouse/customer-summary.sql):
 * built shard-locally from a purchases version, with the sales basis it counted lines by beside
 * it. The planner (src/planner/clickhouse/) reads it for lifetime figures when `summaryIsCurrent`.
 */
export const CUSTOMER_SUMMARY = 'customer_summary';
/** One row per shard: the sales basis the shard's summary was built with. */
export const SUMMARY_BASIS = 'customer_summary_basis';

/** ClickHouse's code for a table that does not exist. */
const UNKNOWN_TABLE = 60;

const FILE = new URL('../../../sql/clickhouse/customer-summary.sql', import.meta.url);
type Part = 'summary' | 'basis' | 'build' | 'record';
let parts: Record<Part, string> | undefined;

function statement(part: Part, values: Record<string, string>): string {
  parts ??= Object.fromEntries(readFileSync(FILE, 'utf8').split(/^-- (?=(?:summary|basis|build|record)$)/m).slice(1).map((text) => {
    const newline = text.indexOf('\n');
    return [text.slice(0, newline), text.slice(newline + 1).trim().replace(/;$/, '')];
  })) as Record<Part, string>;
  return parts[part].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `{${name}}`);
}

/** The sales basis as the summary records it: the statuses' JSON, `null` when the setting is unset. */
export const basisText = (statuses: readonly string[] | undefined): string => JSON.stringify(statuses ?? null);

/**
 * The sales basis of a Kumiwake DuckDB file (the state file, or a source database): its
 * `sales-statuses` setting, undefined when unset.
 */
export async function salesBasisOf(db: DuckDBEngine): Promise<string[] | undefined> {
  if (!(await db.hasTable('settings'))) return undefined;
  const [row] = await db.all<{ value: string }>(`SELECT value FROM settings WHERE name = 'sales-statuses'`);
  if (!row) return undefined;
  const value: unknown = (() => {
    try {
      return JSON.parse(row.value);
    } catch {
      return undefined;
    }
  })();
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new KumiwakeError('bad-settings', `${db.location}: the stored sales-statuses setting is not a list of statuses; set it again with kumiwake settings set sales-statuses`);
  }
  return value as string[];
}

/**
 * A counted line of `p` under the basis: the rule of src/planner/clickhouse/purchase-lines.ts
 * (`countedLine` without a leaf's statuses): counted not false, and a sales status, else any
 * status but cancelled (a missing one included). The export's figures count lines by it too.
 */
export function countedTest(statuses: readonly string[] | undefined): string {
  const status = statuses ? `ifNull(p.status IN (${statuses.map(chString).join(', ')}), 0)` : `ifNull(p.status != 'cancelled', 1)`;
  return `(ifNull(p.counted, 1) != 0 AND ${status})`;
}

const summaryName = (layout: Layout, suffix = '') => `${storedName(layout, CUSTOMER_SUMMARY)}${suffix}`;

/**
 * Makes the summary tables on every shard where they are missing (a database made before them):
 * the shard's summary, the Distributed one over them, and the basis (empty: not current).
 */
export async function ensureSummaryTables(cluster: ClickHouseCluster): Promise<void> {
  const layout = cluster.layout;
  await cluster.eachShard(async (shard) => {
    await shard.server.run(statement('summary', { table: qualifiedName(layout, summaryName(layout)) }));
    if (summaryName(layout) !== CUSTOMER_SUMMARY) await shard.server.run(distributedStatement(layout, CUSTOMER_SUMMARY, summaryName(layout)));
    await shard.server.run(statement('basis', { table: qualifiedName(layout, SUMMARY_BASIS) }));
  });
}

/**
 * Builds the summary version `suffix` (and its basis) on every shard from the shard's purchases
 * table `lines` (unqualified stored name, e.g. `purchases_local_next_7`). The tables must not
 * exist yet; an import's are dropped with its other tables on a rollback.
 */
export async function buildSummary(cluster: ClickHouseCluster, lines: string, suffix: string, statuses: readonly string[] | undefined): Promise<void> {
  const layout = cluster.layout;
  const table = qualifiedName(layout, summaryName(layout, suffix));
  const basis = qualifiedName(layout, `${SUMMARY_BASIS}${suffix}`);
  await cluster.eachShard(async (shard) => {
    await shard.server.run(statement('summary', { table }));
    await shard.server.run(statement('basis', { table: basis }));
    await shard.server.run(statement('build', { table, lines: qualifiedName(layout, lines), counted: countedTest(statuses) }));
    await shard.server.run(statement('record', { table: basis, basis: chString(basisText(statuses)) }));
  });
}

/**
 * Rebuilds the summary from the stored purchases (copyRowsToClickHouse): built beside, then
 * swapped in on each shard with one RENAME of summary and basis (atomic on a server).
 */
export async function rebuildSummary(cluster: ClickHouseCluster, statuses: readonly string[] | undefined): Promise<void> {
  const layout = cluster.layout;
  const [next, old] = ['_next_rebuild', '_old_rebuild'];
  const names = [summaryName(layout), SUMMARY_BASIS];
  const drop = (suffix: string) => cluster.eachShard(async (shard) => {
    for (const name of names) await shard.server.run(`DROP TABLE IF EXISTS ${qualifiedName(layout, `${name}${suffix}`)}`);
  });
  await ensureSummaryTables(cluster);
  await drop(next);
  await drop(old);
  try {
    await buildSummary(cluster, storedName(layout, 'purchases'), next, statuses);
    await cluster.eachShard((shard) => shard.server.run(`RENAME TABLE ${names.map((n) =>
      `${qualifiedName(layout, n)} TO ${qualifiedName(layout, `${n}${old}`)}, ${qualifiedName(layout, `${n}${next}`)} TO ${qualifiedName(layout, n)}`).join(', ')}`));
  } finally {
    await drop(next);
    await drop(old);
  }
}

/**
 * Whether every shard's summary counted lines by `statuses` (the shop's current sales basis):
 * only then may lifetime figures be read from it. False where the tables are missing (an older
 * database), empty (never built) or built under another basis (the setting changed since).
 */
export async function summaryIsCurrent(cluster: Pick<ClickHouseCluster, 'layout' | 'eachShard'>, statuses: readonly string[] | undefined): Promise<boolean> {
  const wanted = basisText(statuses);
  const layout = cluster.layout;
  const found = await cluster.eachShard(async (shard) => {
    const rows = await shard.server.rows<{ basis: string }>(`SELECT basis FROM ${qualifiedName(layout, SUMMARY_BASIS)}`).catch((e: unknown) => {
      if (errorCode(e instanceof Error ? e.message : String(e)) === UNKNOWN_TABLE) return [];
      throw e;
    });
    return rows.length === 1 && rows[0]!.basis === wanted;
  });
  return found.every(Boolean);
}
