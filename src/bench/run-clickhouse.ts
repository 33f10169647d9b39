/**
 * `npm run bench -- --engine clickhouse`: the bench's DuckDB database loaded into ClickHouse and
 * every bench segment counted there with the same runs / median rule as DuckDB, on local 18.16
 * servers (a cluster of 1 shard, then of 2: how the count time falls as shards are added) or on
 * an existing cluster (`--engine clickhouse://HOST:8123/DB?cluster=NAME`). Per shard, the rows it
 * read, its time and its peak memory come from system.query_log (clickhouse-query-log.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { initClickHouse } from '../api/clickhouse.js';
import { inlineParameters } from '../dialect/clickhouse/inline.js';
import { chIdent, chString } from '../dialect/clickhouse/literal.js';
import { KumiwakeError } from '../errors.js';
import { copyRowsToClickHouse } from '../engine/clickhouse/copy.js';
import { ClickHouseEngine } from '../engine/clickhouse/engine.js';
import { localServerMissing, startLocalServers } from '../engine/clickhouse/local-servers.js';
import { clickHouseTables, localTableName } from '../engine/clickhouse/schema.js';
import { DuckDBEngine } from '../engine/duckdb/engine.js';
import type { LocalDate } from '../model/dates.js';
import { planCount, planTargetOf } from '../segments/evaluate.js';
import { SegmentStore } from '../segments/store.js';
import { flushQueryLogs, shardRuns, type ShardRun } from './clickhouse-query-log.js';
import type { CountFigure } from './run-counts.js';
import { benchSegments, type BenchSegment } from './segments.js';

export interface ClickHouseBenchOptions {
  /** the bench's DuckDB database: the data loaded, and the counts compared with */
  readonly duckdbPath: string;
  readonly asOf: LocalDate;
  /** timed runs per count (median reported), after one warm-up */
  readonly runs: number;
  /** `clickhouse` (local servers) or `clickhouse://HOST:8123/DATABASE?cluster=NAME` */
  readonly engine: string;
  /** local servers: the cluster sizes timed, one after another (default 1 and 2) */
  readonly shardCounts?: readonly number[];
  /** local servers: each server's max_threads (default 1: one core per shard) */
  readonly maxThreads?: number;
  /** where the state files go */
  readonly workDir: string;
  /** DuckDB's figures of the same run (benchCounts) */
  readonly duckdb: readonly CountFigure[];
  readonly log: (line: string) => void;
  /** the suite (default: seed 42's products) */
  readonly segments?: readonly BenchSegment[];
}

export interface LoadFigure { readonly table: string; readonly rows: number; readonly seconds: number }

/** A table on the shards after the load and its merges: rows, and bytes on disk (compressed, with marks and index). */
export interface DiskFigure { readonly table: string; readonly rows: number; readonly bytesOnDisk: number; readonly uncompressedBytes: number }

export interface ClickHouseSegmentFigure {
  readonly name: string;
  readonly count: number;
  readonly medianMs: number;
  /** each shard's share of the median run (query_log) */
  readonly shards: readonly ShardRun[];
}

/** One shard over the whole suite (the median run of every segment). */
export interface ShardFigure {
  readonly shard: number;
  readonly customers: number;
  /** granules read × rows per granule, over the suite */
  readonly rowsRead: number;
  readonly durationMs: number;
  readonly rowsPerSecond: number;
  /** CPU time over the suite, and rows read per CPU second: the figure a shared machine's load does not change */
  readonly cpuMs: number;
  readonly rowsPerCpuSecond: number;
  /** time ready to run but waiting for a core */
  readonly cpuWaitMs: number;
  /** the largest memory_usage of any timed count on this shard */
  readonly peakMemoryBytes: number;
}

export interface ClickHouseSetupFigure {
  readonly label: string;
  /** the engine setting (local ports change from run to run) */
  readonly engine: string;
  readonly shards: number;
  /** max_threads as each shard reports it (system.settings) */
  readonly maxThreads: readonly string[];
  /** how the rows got there: copyRowsToClickHouse from the DuckDB database (not the import command) */
  readonly loadedBy: 'copyRowsToClickHouse';
  readonly load: readonly LoadFigure[];
  readonly disk: readonly DiskFigure[];
  /** the machine's 1-minute load average when the counts started and ended (others' work shares the cores) */
  readonly loadAverage: readonly [number, number];
  readonly segments: readonly ClickHouseSegmentFigure[];
  readonly perShard: readonly ShardFigure[];
}

export interface ClickHouseFigures {
  readonly server: string;
  readonly setups: readonly ClickHouseSetupFigure[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const DATABASE = 'kumiwake_bench';
/** The table marking a database the benchmark loaded (it replaces the rows of no other). */
const MARK = 'kumiwake_bench_loaded';

/** Runs the ClickHouse part: local servers (skipped with the reason where there is no binary) or the given cluster. */
export async function benchClickHouse(options: ClickHouseBenchOptions): Promise<ClickHouseFigures | { skipped: string }> {
  mkdirSync(options.workDir, { recursive: true });
  if (options.engine !== 'clickhouse') {
    const setup = await benchOn(options.engine, 'given cluster', { ...options, guard: true });
    return { server: setup.server, setups: [setup.figure] };
  }
  const missing = localServerMissing();
  if (missing) return { skipped: missing };
  const setups: ClickHouseSetupFigure[] = [];
  let server = '';
  for (const count of options.shardCounts ?? [1, 2]) {
    const local = await startLocalServers({ count, maxThreads: options.maxThreads ?? 1, logQueries: true, maxMemoryUsage: 8_000_000_000 });
    // Ctrl-C or a kill ends the servers this process started, not only a normal end.
    const onSignal = () => void local.stop().finally(() => process.exit(130));
    process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    try {
      const setup = await benchOn(local.engineUrl(DATABASE, true), `${count} shard${count === 1 ? '' : 's'}`, { ...options, guard: false });
      server = setup.server;
      setups.push(setup.figure);
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      await local.stop();
    }
  }
  return { server, setups };
}

async function benchOn(url: string, label: string, options: ClickHouseBenchOptions & { guard: boolean }): Promise<{ server: string; figure: ClickHouseSetupFigure }> {
  const init = await initClickHouse(url);
  const stateFile = join(options.workDir, `state-${process.pid}-${randomUUID().slice(0, 8)}.duckdb`);
  const engine = await ClickHouseEngine.open(url, { stateFile });
  try {
    const cluster = engine.servers;
    const db = chIdent(engine.layout.database);
    if (options.guard) await refuseForeignData(engine);
    const [version] = await cluster.coordinator.rows<{ v: string }>('SELECT version() AS v');
    const maxThreads = await cluster.eachShard(async (s) => (await s.server.rows<{ value: string }>(
      `SELECT value FROM system.settings WHERE name = ${chString('max_threads')}`))[0]?.value ?? '?');
    options.log(`  ${label} (${init.shards.map((s) => s.http).join(', ')}; max_threads ${maxThreads.join(' / ')}): loading with copyRowsToClickHouse`);
    const load = await loadTables(engine, options.duckdbPath);
    await mergesDone(engine);
    options.log(`    loaded ${load.map((l) => `${l.table} ${l.rows} rows ${l.seconds.toFixed(1)} s`).join(', ')}`);
    const customers = await cluster.eachShard(async (s) => Number((await s.server.rows<{ n: string }>(
      `SELECT count() AS n FROM ${db}.${chIdent(localTableName(engine.layout, 'customers'))}`))[0]!.n));

    const disk = await diskFigures(engine);
    const loadBefore = loadavg()[0]!;
    // With max_threads 1 on the server the count is sent to, 18.16 reads its own shard's part
    // before it sends the query to the other shards (one thread reads the streams one after
    // another): the shards took turns, and 2 shards were no faster than 1 on a quiet machine.
    // Its own part then goes over the network like the others' (prefer_localhost_replica 0),
    // a query of its own on that shard, and every shard starts at once.
    const shardsInParallel: Record<string, number> = cluster.shards.length > 1 && maxThreads.some((t) => Number(t) < cluster.shards.length) ? { prefer_localhost_replica: 0 } : {};
    const store = await SegmentStore.load(engine);
    const target = await planTargetOf(engine);
    const segments: ClickHouseSegmentFigure[] = [];
    for (const segment of options.segments ?? benchSegments) {
      const plan = planCount(segment.definition, store, options.asOf, target);
      const sql = inlineParameters(plan.sql, plan.parameters);
      const runs: Array<{ id: string; ms: number; count: number }> = [];
      for (let i = 0; i <= options.runs; i++) {
        const id = randomUUID();
        const started = performance.now();
        // query_id travels as an HTTP parameter beside the settings: our id, to find the count in query_log.
        const [row] = await cluster.coordinator.rows<{ count: unknown }>(sql, { settings: { query_id: id, log_queries: 1, ...shardsInParallel } });
        const ms = performance.now() - started;
        if (i > 0) runs.push({ id, ms, count: Number(row!.count) }); // run 0 is the warm-up
      }
      const middle = runs.find((r) => r.ms === median(runs.map((x) => x.ms)))!;
      await flushQueryLogs(cluster);
      const logged = await shardRuns(cluster, [middle.id]);
      const figure = { name: segment.name, count: middle.count, medianMs: middle.ms, shards: logged.get(middle.id) ?? [] };
      segments.push(figure);
      const duck = options.duckdb.find((f) => f.name === segment.name);
      options.log(`    ${segment.name.padEnd(40)} ${String(figure.count).padStart(9)} ${figure.medianMs.toFixed(0).padStart(7)} ms` +
        `${duck && duck.count !== figure.count ? `   !! DuckDB counts ${duck.count}` : ''}`);
    }
    const perShard = await shardFigures(engine, segments, customers);
    return {
      server: `ClickHouse ${version?.v ?? '?'}`,
      figure: { label, engine: init.engine, shards: cluster.shards.length, maxThreads, loadedBy: 'copyRowsToClickHouse', load, disk, loadAverage: [loadBefore, loadavg()[0]!], segments, perShard },
    };
  } finally {
    engine.close();
    for (const file of [stateFile, `${stateFile}.wal`]) rmSync(file, { force: true });
  }
}

/** Every data table the DuckDB database has, one at a time, timed. */
async function loadTables(engine: ClickHouseEngine, duckdbPath: string): Promise<LoadFigure[]> {
  const source = await DuckDBEngine.open(duckdbPath, { readOnly: true });
  try {
    const load: LoadFigure[] = [];
    for (const table of clickHouseTables()) {
      const started = performance.now();
      const copied = await copyRowsToClickHouse(source, engine.servers, { tables: [table.name] });
      if (copied[table.name] !== undefined) load.push({ table: table.name, rows: copied[table.name]!, seconds: (performance.now() - started) / 1000 });
    }
    return load;
  } finally {
    source.close();
  }
}

/** Each data table's rows and bytes over the shards (active parts). */
async function diskFigures(engine: ClickHouseEngine): Promise<DiskFigure[]> {
  const perShard = await engine.servers.eachShard((s) => s.server.rows<{ table: string; rows: string; disk: string; raw: string }>(
    'SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS disk, sum(data_uncompressed_bytes) AS raw FROM system.parts ' +
    `WHERE active AND database = ${chString(engine.layout.database)} GROUP BY table ORDER BY table`));
  const tables = new Map<string, DiskFigure>();
  for (const row of perShard.flat()) {
    const table = row.table.replace(/_local$/, '');
    const had = tables.get(table) ?? { table, rows: 0, bytesOnDisk: 0, uncompressedBytes: 0 };
    tables.set(table, { table, rows: had.rows + Number(row.rows), bytesOnDisk: had.bytesOnDisk + Number(row.disk), uncompressedBytes: had.uncompressedBytes + Number(row.raw) });
  }
  return [...tables.values()].filter((t) => t.rows > 0);
}

/**
 * Waits (at most 20 minutes) until no shard merges parts: a load leaves many parts that the
 * server merges in the background, which would take the cores the counts are timed on.
 */
async function mergesDone(engine: ClickHouseEngine): Promise<void> {
  const until = Date.now() + 20 * 60_000;
  for (;;) {
    const merging = await engine.servers.eachShard(async (s) => Number((await s.server.rows<{ n: string }>('SELECT count() AS n FROM system.merges'))[0]!.n));
    if (merging.every((n) => n === 0) || Date.now() > until) return;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Per shard over the suite: rows read and time of every segment's median run, the largest memory of any. */
async function shardFigures(engine: ClickHouseEngine, segments: readonly ClickHouseSegmentFigure[], customers: readonly number[]): Promise<ShardFigure[]> {
  return engine.servers.shards.map((shard, i) => {
    const runs = segments.flatMap((s) => s.shards.filter((r) => r.shard === shard.number));
    const rowsRead = runs.reduce((n, r) => n + r.rowsRead, 0);
    const durationMs = runs.reduce((n, r) => n + r.durationMs, 0);
    const cpuMs = runs.reduce((n, r) => n + r.cpuMs, 0);
    const perSecond = (amount: number) => (durationMs > 0 ? Math.round(amount / (durationMs / 1000)) : 0);
    return {
      shard: shard.number, customers: customers[i] ?? 0, rowsRead, durationMs,
      rowsPerSecond: perSecond(rowsRead),
      cpuMs: Math.round(cpuMs), rowsPerCpuSecond: cpuMs > 0 ? Math.round(rowsRead / (cpuMs / 1000)) : 0,
      cpuWaitMs: Math.round(runs.reduce((n, r) => n + r.cpuWaitMs, 0)),
      peakMemoryBytes: Math.max(0, ...runs.map((r) => r.memoryBytes)),
    };
  });
}

/**
 * A database the benchmark did not load and that holds customers is refused: the benchmark
 * replaces every table's rows. An empty one, or one it loaded before, is marked and used.
 */
async function refuseForeignData(engine: ClickHouseEngine): Promise<void> {
  const db = chIdent(engine.layout.database);
  const coordinator = engine.servers.coordinator;
  const [held] = await coordinator.rows<{ n: string }>(`SELECT count() AS n FROM ${db}.customers`);
  const [marked] = await coordinator.rows<{ result: number }>(`EXISTS TABLE ${db}.${chIdent(MARK)}`);
  if (Number(held?.n ?? 0) > 0 && Number(marked?.result) !== 1) {
    throw new KumiwakeError('bench-foreign-data',
      `${engine.location}: database "${engine.layout.database}" holds ${held!.n} customers the benchmark did not load, and the benchmark replaces every table's rows: give it a database of its own (clickhouse://HOST:PORT/ANOTHER?cluster=NAME)`, 2);
  }
  await engine.servers.eachShard((s) => s.server.run(`CREATE TABLE IF NOT EXISTS ${db}.${chIdent(MARK)} (at DateTime) ENGINE = TinyLog`));
}

/** Does every ClickHouse count equal DuckDB's? */
export const clickHouseAgrees = (figures: ClickHouseFigures, duckdb: readonly CountFigure[]): boolean =>
  figures.setups.every((s) => s.segments.every((f) => duckdb.find((d) => d.name === f.name)?.count === f.count));

/** The comparison table and the per-shard figures, as lines. */
export function clickHouseReport(figures: ClickHouseFigures, duckdb: readonly CountFigure[]): string[] {
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  const [first, last] = [figures.setups[0], figures.setups.at(-1)];
  if (!first || !last) return [];
  const lines = [`  ${'segment'.padEnd(40)} ${pad('customers', 9)} ${pad('DuckDB', 9)} ${figures.setups.map((s) => pad(s.label, 10)).join(' ')}` +
    `${figures.setups.length > 1 ? `  ${first.label} / ${last.label}` : ''}  ${last.label} / DuckDB`];
  for (const d of duckdb) {
    const times = figures.setups.map((s) => s.segments.find((f) => f.name === d.name)?.medianMs ?? NaN);
    const spread = figures.setups.length > 1 ? `  ${pad(`${(times[0]! / times.at(-1)!).toFixed(2)}x`, first.label.length + last.label.length + 3)}` : '';
    lines.push(`  ${d.name.padEnd(40)} ${pad(d.count, 9)} ${pad(d.medianMs.toFixed(0), 6)} ms ${times.map((t) => pad(`${t.toFixed(0)} ms`, 10)).join(' ')}${spread}  ${pad(`${(times.at(-1)! / d.medianMs).toFixed(1)}x`, last.label.length + 9)}`);
  }
  const total = (s: ClickHouseSetupFigure) => s.segments.reduce((n, f) => n + f.medianMs, 0);
  lines.push(`  ${'whole suite'.padEnd(40)} ${pad('', 9)} ${pad(duckdb.reduce((n, d) => n + d.medianMs, 0).toFixed(0), 6)} ms ${figures.setups.map((s) => pad(`${total(s).toFixed(0)} ms`, 10)).join(' ')}`);
  for (const s of figures.setups) {
    lines.push(`  ${s.label} (max_threads ${s.maxThreads.join(' / ')}; load average ${s.loadAverage.map((l) => l.toFixed(1)).join(' → ')} while counting)`);
    lines.push(`    loaded by copyRowsToClickHouse: ${s.load.map((l) => `${l.table} ${l.seconds.toFixed(0)} s (${(l.rows / l.seconds / 1000).toFixed(0)}k rows/s)`).join(', ')}`);
    lines.push(`    on disk: ${s.disk.map((d) => `${d.table} ${(d.bytesOnDisk / 2 ** 20).toFixed(0)} MiB (${(d.bytesOnDisk / d.rows).toFixed(1)} B/row)`).join(', ')}`);
    for (const p of s.perShard) {
      lines.push(`    shard ${p.shard}: ${p.customers} customers; over the suite read ${(p.rowsRead / 1e6).toFixed(1)}M rows (granules) ` +
        `in ${(p.durationMs / 1000).toFixed(1)} s = ${(p.rowsPerSecond / 1e6).toFixed(2)}M rows/s; ` +
        `CPU ${(p.cpuMs / 1000).toFixed(1)} s = ${(p.rowsPerCpuSecond / 1e6).toFixed(2)}M rows per CPU second, waited ${(p.cpuWaitMs / 1000).toFixed(1)} s for a core; peak ${(p.peakMemoryBytes / 2 ** 20).toFixed(0)} MiB`);
    }
  }
  return lines;
}
