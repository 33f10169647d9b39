/**
 * What each shard did for one timed count, read from the servers' `system.query_log` (18.16
 * keeps it where the config names it and `log_queries` is 1; the benchmark sends the setting with
 * each count). The count is sent to shard 1 with our query id: shard 1 logs it as the initial
 * query, every shard logs its part with `initial_query_id` = our id; shard 1's part runs
 * in-process (no row of its own) unless the count is sent with prefer_localhost_replica = 0. A
 * shard's time is the longest of its rows (on shard 1, the initial query's, which also waits for
 * and merges the other shards' answers), its CPU time the sum, its memory the largest.
 *
 * Rows scanned: 18.16's `read_rows` leaves out what the `IN (SELECT …)` sets read (it counted
 * the customers alone for a lifetime leaf over every order line), so the rows come from the
 * granules the query read (ProfileEvents `SelectedMarks`, which the sets' reads are part of)
 * times the rows per granule (`index_granularity`, 8,192): exact up to each part's last, partly
 * filled granule. (Bytes are not reported: a repeated count reads its small columns from the
 * uncompressed cache, and 18.16 then logs almost no bytes read.) ProfileEvents of 18.16 are each
 * server's own (not summed up from the other shards).
 */
import { chString } from '../dialect/clickhouse/literal.js';
import type { ClickHouseCluster } from '../engine/clickhouse/cluster.js';

/** One shard's share of one count. */
export interface ShardRun {
  readonly shard: number;
  /** granules read × rows per granule */
  readonly rowsRead: number;
  readonly durationMs: number;
  /** CPU time of the query's threads on this shard (user + system) */
  readonly cpuMs: number;
  /** time its threads were ready to run and waited for a core (others' work on a shared machine) */
  readonly cpuWaitMs: number;
  /** the query's peak memory on this shard (query_log memory_usage) */
  readonly memoryBytes: number;
}

interface LogRow {
  query_id: string;
  initial_query_id: string;
  is_initial_query: number;
  marks: string | number;
  cpu: string | number;
  wait: string | number;
  query_duration_ms: string | number;
  memory_usage: string | number;
}

/** How long `shardRuns` waits for a shard's late query_log rows, and how often it looks. */
const LOG_WAIT_MS = 10_000;
const LOG_POLL_MS = 250;

/** QueryFinish in 18.16's query_log (`type` is a UInt8 there, an Enum8 later: both compare with 2). */
const QUERY_FINISH = 2;

/** Writes the servers' buffered query_log rows out, so the counts just run can be read. */
export async function flushQueryLogs(cluster: ClickHouseCluster): Promise<void> {
  await cluster.eachShard((shard) => shard.server.run('SYSTEM FLUSH LOGS'));
}

/**
 * Each shard's share of the counts sent with `queryIds`, per query id (shard order). A query id
 * some shard did not log (log_queries off, or no query_log table there) is left out.
 */
export async function shardRuns(cluster: ClickHouseCluster, queryIds: readonly string[]): Promise<Map<string, ShardRun[]>> {
  const ids = `(${queryIds.map((id) => chString(id)).join(', ')})`;
  const event = (name: string) => `ProfileEvents.Values[indexOf(ProfileEvents.Names, ${chString(name)})]`;
  const select = `SELECT query_id, initial_query_id, is_initial_query, ${event('SelectedMarks')} AS marks, ` +
    `${event('UserTimeMicroseconds')} + ${event('SystemTimeMicroseconds')} AS cpu, ${event('OSCPUWaitMicroseconds')} AS wait, ` +
    `query_duration_ms, memory_usage FROM system.query_log WHERE type = ${QUERY_FINISH} AND (query_id IN ${ids} OR initial_query_id IN ${ids})`;
  const read = () => cluster.eachShard(async (shard) => {
    const [granularity] = await shard.server.rows<{ value: string }>(`SELECT value FROM system.merge_tree_settings WHERE name = ${chString('index_granularity')}`);
    return { shard: shard.number, rowsPerMark: Number(granularity?.value ?? 8192), rows: await shard.server.rows<LogRow>(select) };
  });
  // A shard may log a query's finish a moment after the answer came back, even after a flush:
  // read again (flushing first) until every shard logged every count, for a few seconds at most.
  const everyShardLogged = (rows: ReadonlyArray<{ rows: LogRow[] }>) =>
    queryIds.every((id) => rows.every((l) => l.rows.some((r) => r.query_id === id || r.initial_query_id === id)));
  let logged = await read();
  for (let waited = 0; !everyShardLogged(logged) && waited < LOG_WAIT_MS; waited += LOG_POLL_MS) {
    await new Promise((r) => setTimeout(r, LOG_POLL_MS));
    await flushQueryLogs(cluster);
    logged = await read();
  }
  const out = new Map<string, ShardRun[]>();
  for (const id of queryIds) {
    const runs = logged.map((l) => {
      // The shard the count went to logged it as the initial query; the others their part of it.
      const parts = l.rows.filter((r) => (Number(r.is_initial_query) === 1 ? r.query_id === id : r.initial_query_id === id));
      return {
        shard: l.shard,
        rowsRead: parts.reduce((n, r) => n + Number(r.marks) * l.rowsPerMark, 0),
        durationMs: Math.max(0, ...parts.map((r) => Number(r.query_duration_ms))),
        cpuMs: parts.reduce((n, r) => n + Number(r.cpu) / 1000, 0),
        cpuWaitMs: parts.reduce((n, r) => n + Number(r.wait) / 1000, 0),
        memoryBytes: Math.max(0, ...parts.map((r) => Number(r.memory_usage))),
        logged: parts.length > 0,
      };
    });
    if (runs.every((r) => r.logged)) out.set(id, runs.map(({ logged: _, ...run }) => run));
  }
  return out;
}
