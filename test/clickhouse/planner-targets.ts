/**
 * Where the ClickHouse planner's tests run its statements: chdb (ClickHouse 26.7 in-process, one
 * "server", NFKC in SQL) and the two-shard 18.16 cluster of servers.ts (folded copies). Each
 * target is loaded with a reference shop (a DuckDB database) by part A's copyRowsToClickHouse,
 * and answers a compiled statement with its rows.
 */
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import type { LocalDate } from '../../src/model/dates.js';
import type { ClickHousePlanOptions } from '../../src/planner/clickhouse/compile-segment.js';
import { schemaInfo } from '../../src/segments/evaluate.js';
import type { Dataset } from '../reference/model.js';
import { loadDataset } from '../reference/random-data.js';
import type { ClickHouseCluster } from '../../src/engine/clickhouse/cluster.js';
import { copyRowsToClickHouse } from '../../src/engine/clickhouse/copy.js';
import { summaryIsCurrent } from '../../src/engine/clickhouse/customer-summary.js';
import { clickHouseTables, createStatements, localTableName, type Layout } from '../../src/engine/clickhouse/schema.js';
import { clickhouseDialect, clickhouseLegacyDialect, type ClickHouseDialect } from '../../src/dialect/clickhouse/dialect.js';
import { inlineParameters } from '../../src/dialect/clickhouse/inline.js';
import type { CompiledSegment } from '../../src/planner/compile-segment.js';
import type { TableName } from '../../src/planner/clickhouse/context.js';

export interface ClickHouseTarget {
  readonly name: string;
  readonly dialect: ClickHouseDialect;
  readonly layout: Layout;
  readonly localTable: (table: TableName) => string;
  readonly wholeTable: (table: TableName) => string;
  /** the rows of a compiled statement, its values written in by the audited literal function */
  rows(plan: CompiledSegment): Promise<Array<Record<string, unknown>>>;
  /** replaces every table's rows by the source database's; the per-customer summary counts lines by `salesStatuses` (default the source's setting) */
  load(source: DuckDBEngine, salesStatuses?: readonly string[]): Promise<void>;
  /** whether every shard's per-customer summary counted lines by `salesStatuses` (the planner may read it) */
  summaryIsCurrent(salesStatuses: readonly string[] | undefined): Promise<boolean>;
  close(): Promise<void>;
}

interface ChdbSession {
  query(sql: string, format?: string): string;
  cleanup?(): void;
}

/** chdb's Session as the copier's server: run, rows, insertTsv. */
class ChdbServer {
  constructor(private readonly session: ChdbSession) {}

  async run(sql: string): Promise<string> {
    return this.session.query(sql, 'TabSeparated');
  }

  async rows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const text = this.session.query(sql, 'JSONEachRow');
    return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);
  }

  async insertTsv(table: string, columns: readonly string[], body: string | AsyncIterable<Uint8Array>): Promise<void> {
    // The rows travel inside the query text, which chdb passes as a C string: a NUL byte is
    // written as TSV's \0 escape (the same value).
    const text = (await textOf(body)).replace(/\u0000/g, '\\0');
    if (text === '') return;
    this.session.query(`INSERT INTO ${table} (${columns.join(', ')}) FORMAT TabSeparated\n${text}`);
  }
}

async function textOf(body: string | AsyncIterable<Uint8Array>): Promise<string> {
  if (typeof body === 'string') return body;
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of body) text += decoder.decode(chunk, { stream: true });
  return text;
}

/** chdb, or why it cannot run here (the package is an optional dependency). */
export async function chdbTarget(): Promise<ClickHouseTarget | string> {
  let Session: new () => ChdbSession;
  try {
    ({ Session } = (await import('chdb')) as unknown as { Session: new () => ChdbSession });
  } catch (e) {
    return `the optional package chdb is not installed (${(e as Error).message.split('\n')[0]})`;
  }
  const session = new Session();
  const server = new ChdbServer(session);
  const layout: Layout = { database: 'kumiwake' };
  await server.run('CREATE DATABASE IF NOT EXISTS kumiwake');
  await server.run('USE kumiwake');
  for (const table of clickHouseTables()) for (const statement of createStatements(layout, table)) await server.run(statement);
  const shard = { number: 1, native: 'chdb', server };
  const cluster = { layout, coordinator: server, shards: [shard], eachShard: async <T>(work: (s: typeof shard) => Promise<T>) => [await work(shard)] };
  return {
    name: 'chdb (ClickHouse 26.7)',
    dialect: clickhouseDialect,
    layout,
    localTable: (table) => localTableName(layout, table),
    wholeTable: (table) => table,
    rows: (plan) => server.rows(inlineParameters(plan.sql, plan.parameters)),
    load: async (source, salesStatuses) => void (await copyRowsToClickHouse(source, cluster as unknown as ClickHouseCluster, salesStatuses ? { salesStatuses } : {})),
    summaryIsCurrent: (salesStatuses) => summaryIsCurrent(cluster as unknown as ClickHouseCluster, salesStatuses),
    close: async () => session.cleanup?.(),
  };
}

/** A connected cluster of servers.ts as a target (18.16: no NFKC in SQL). */
export function clusterTarget(cluster: ClickHouseCluster, close: () => Promise<void>): ClickHouseTarget {
  const layout = cluster.layout;
  return {
    name: `ClickHouse 18.16, ${cluster.shards.length} shards`,
    dialect: clickhouseLegacyDialect,
    layout,
    // Qualified: on a remote shard the subquery runs in the default database, not the Distributed table's.
    localTable: (table) => `${layout.database}.${localTableName(layout, table)}`,
    wholeTable: (table) => `${layout.database}.${table}`,
    rows: (plan) => cluster.coordinator.rows(inlineParameters(plan.sql, plan.parameters)),
    load: async (source, salesStatuses) => {
      await copyRowsToClickHouse(source, cluster, salesStatuses ? { salesStatuses } : {});
      // Every shard holds customers of its own, or shard-local evaluation would go untested.
      const held = await cluster.eachShard(async (shard) => (await shard.server.rows<{ n: string }>(
        `SELECT count() AS n FROM ${layout.database}.${localTableName(layout, 'customers')}`))[0]!.n);
      if (held.some((n) => Number(n) === 0)) throw new Error(`the reference shop's customers did not spread over the shards: ${held.join(', ')}`);
    },
    summaryIsCurrent: (salesStatuses) => summaryIsCurrent(cluster, salesStatuses),
    close,
  };
}

/**
 * Opens a target and loads `data` into it, with the plan options for it; the reason as a string
 * when ClickHouse is missing (an error under CI=true, where these tests must run).
 */
export async function loadedTarget(
  open: () => Promise<ClickHouseTarget | string>, label: string, data: Dataset, asOf: LocalDate,
): Promise<{ target: ClickHouseTarget; options: ClickHousePlanOptions } | string> {
  const target = await open();
  if (typeof target === 'string') {
    if (process.env.CI === 'true') throw new Error(`${label}: ${target}; under CI=true the ClickHouse planner tests must run`);
    return target;
  }
  const db = await DuckDBEngine.open(':memory:');
  await loadDataset(db, data);
  const schema = { ...(await schemaInfo(db)), customerValues: new Map(), purchaseSummaries: false };
  await target.load(db);
  await db.close();
  // Lifetime figures are read from the per-customer summary the load built, as the engine reads them.
  const customerSummary = await target.summaryIsCurrent(schema.salesStatuses);
  if (!customerSummary) throw new Error(`${label}: the per-customer summary is not current after the load`);
  const options = { dialect: target.dialect, asOf, schema, localTable: target.localTable, wholeTable: target.wholeTable, customerSummary };
  return { target, options };
}
