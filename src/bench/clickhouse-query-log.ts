/**
 * What each shard did for one timed count, read from the servers' `system.query_log` (18.16
 * keeps it where the config names it and `log_queries` is 1; the benchmark sends the setting with
 * each count). The count is sent to shard 1 with our query id: shard 1 logs it as the initial
 * query, every other shard logs its part with `initial_query_id` = our id. Shard 1's part runs
 * in-process (its own address in the cluster is local), so it has no row of its own: its rows are
 * the initial query's `read_rows` (which adds up what the other shards report back) less the
 * other shards', its time and memory those of the initial query (which also waits for and merges
 * the other shards' answers).
 */
import { chString } from '../dialect/clickhouse/literal.js';
import type { ClickHouseCluster } from '../engine/clickhouse/cluster.js';

/** One shard's share of one count. */
export interface ShardRun {
  readonly shard: number;
  readonly readRows: number;
  readonly durationMs: number;
  /** the query's peak memory on this shard (query_log memory_usage) */
  readonly memoryBytes: number;
}

interface LogRow {
  query_id: string;
  initial_query_id: string;
  is_initial_query: number;
  read_rows: string | number;
  query_duration_ms: string | number;
  memory_usage: string | number;
}

/** QueryFinish in 18.16's query_log (`type` is a UInt8 there, an Enum8 later: both compare with 2). */
const QUERY_FINISH = 2;

/** Writes the servers' buffered query_log rows out, so the counts just run can be read. */
export async function flushQueryLogs(cluster: ClickHouseCluster): Promise<void> {
  await cluster.eachShard((shard) => shard.server.run('SYSTEM FLUSH LOGS'));
}

/**
 * Each shard's share of the counts sent with `queryIds`, per query id (shard order). A query id
 * the coordinator did not log (log_queries off, or no query_log table) is left out.
 */
export async function shardRuns(cluster: ClickHouseCluster, queryIds: readonly string[]): Promise<Map<string, ShardRun[]>> {
  const ids = `(${queryIds.map((id) => chString(id)).join(', ')})`;
  const select = 'SELECT query_id, initial_query_id, is_initial_query, read_rows, query_duration_ms, memory_usage FROM system.query_log ' +
    `WHERE type = ${QUERY_FINISH} AND (query_id IN ${ids} OR initial_query_id IN ${ids})`;
  const logged = await cluster.eachShard(async (shard) => ({ shard: shard.number, rows: await shard.server.rows<LogRow>(select) }));
  const isInitial = (id: string) => (r: LogRow) => Number(r.is_initial_query) === 1 && r.query_id === id;
  const out = new Map<string, ShardRun[]>();
  for (const id of queryIds) {
    // The server the count went to: a shard (it logged the initial query), or a server outside the shards.
    const home = logged.find((l) => l.rows.some(isInitial(id)));
    const initial = home ? home.rows.find(isInitial(id)) : (await cluster.coordinator.rows<LogRow>(select)).find(isInitial(id));
    if (!initial) continue;
    const others: ShardRun[] = logged.filter((l) => l !== home).map((l) => {
      const parts = l.rows.filter((r) => Number(r.is_initial_query) === 0 && r.initial_query_id === id);
      return {
        shard: l.shard,
        readRows: parts.reduce((n, r) => n + Number(r.read_rows), 0),
        durationMs: Math.max(0, ...parts.map((r) => Number(r.query_duration_ms))),
        memoryBytes: Math.max(0, ...parts.map((r) => Number(r.memory_usage))),
      };
    });
    const runs = [...others];
    if (home) {
      runs.push({
        shard: home.shard,
        readRows: Number(initial.read_rows) - others.reduce((n, s) => n + s.readRows, 0),
        durationMs: Number(initial.query_duration_ms),
        memoryBytes: Number(initial.memory_usage),
      });
    }
    out.set(id, runs.sort((a, b) => a.shard - b.shard));
  }
  return out;
}
