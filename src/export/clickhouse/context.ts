/**
 * What an export from ClickHouse needs beside the columns: where the evaluated members are (a
 * Memory table on the server the statements go to, src/segments/clickhouse-target.ts), which
 * tables a shard reads its own rows from, and the shop's sales basis (kept in the state file).
 */
import { clickhouseEngineOf, type ClickHouseEngine } from '../../engine/clickhouse/engine.js';
import { localTableName } from '../../engine/clickhouse/schema.js';
import type { Engine } from '../../engine/engine.js';
import { chIdent, chString } from '../../dialect/clickhouse/literal.js';
import { salesBasisOf } from '../../engine/clickhouse/customer-summary.js';

/** The sharded tables an export reads. */
export type ServerTable = 'customers' | 'purchases' | 'mail_events';

export interface ServerMembers {
  /** the members table (customer_id, and a diff's `change`), qualified with the database */
  readonly table: string;
  /** a table as each shard reads its own customers' rows: `db.purchases_local` on a cluster */
  readonly localTable: (table: ServerTable) => string;
  /** the whole table (Distributed on a cluster), qualified */
  readonly wholeTable: (table: ServerTable) => string;
  /** the statuses that count as sales (`kumiwake settings set sales-statuses`); absent: any but cancelled */
  readonly salesStatuses?: readonly string[];
  /**
   * the members are ids from the state file (a job's entered / left, a diff): some may no longer be
   * stored, so the list is read from the members table, customers joined to it
   */
  readonly idsOnly?: boolean;
  /** the `stores` table's named stores (`store_name` columns; a store it lacks or leaves unnamed has no name) */
  readonly storeNames: ReadonlyArray<{ readonly id: string; readonly name: string }>;
}

export { clickhouseEngineOf };

/** The stores with a name: a copied table, small (a shop's stores), read once per export. */
async function storeNamesOf(engine: ClickHouseEngine, qualified: (name: string) => string): Promise<ServerMembers['storeNames']> {
  const [table] = await engine.query<{ n: unknown }>({
    sql: `SELECT count() AS n FROM system.tables WHERE database = ${chString(engine.layout.database)} AND name = 'stores'`, parameters: [],
  });
  if (Number(table?.n ?? 0) === 0) return [];
  return engine.query<{ id: string; name: string }>({
    sql: `SELECT store_id AS id, assumeNotNull(store_name) AS name FROM ${qualified('stores')} WHERE isNotNull(store_name) ORDER BY store_id`, parameters: [],
  });
}

/** The export context of members kept on a ClickHouse server in the table `table`. */
export async function serverMembersOf(db: Engine, table: string, idsOnly = false): Promise<ServerMembers> {
  const engine = clickhouseEngineOf(db);
  const { layout } = engine;
  const qualified = (name: string) => `${chIdent(layout.database)}.${chIdent(name)}`;
  const salesStatuses = await salesBasisOf(engine.state);
  return {
    table,
    storeNames: await storeNamesOf(engine, qualified),
    localTable: (name) => qualified(localTableName(layout, name)),
    wholeTable: (name) => qualified(name),
    ...(salesStatuses ? { salesStatuses } : {}),
    ...(idsOnly ? { idsOnly } : {}),
  };
}

/** How many order lines the members have (`rows: 'purchases'`), counted on the shards. */
export async function serverLineCount(db: Engine, members: ServerMembers): Promise<number> {
  const [row] = await clickhouseEngineOf(db).query<{ n: unknown }>({
    sql: `SELECT count() AS n FROM ${members.wholeTable('purchases')} WHERE customer_id GLOBAL IN (SELECT customer_id FROM ${members.table})`, parameters: [],
  });
  return Number(row?.n ?? 0);
}
