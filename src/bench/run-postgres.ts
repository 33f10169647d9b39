import { join } from 'node:path';
import { formatDate, type LocalDate } from '../model/dates.js';
import { BenchPostgres } from './postgres.js';
import type { CountFigure } from './run-counts.js';
import { benchSegments, type BenchSegment } from './segments.js';

export interface PostgresFigure {
  readonly name: string;
  readonly count: number;
  /** the hand-written query over the raw tables (`pgSql`) */
  readonly pgCount: number;
  readonly pgMedianMs: number;
  /** the hand-written query over the summary tables (`pgSummarySql`), for the segments that have one */
  readonly pgSummaryCount?: number;
  readonly pgSummaryMedianMs?: number;
  /** the planner's count in DuckDB (CountFigure.medianMs), for the ratio */
  readonly kumiwakeMs: number;
}

/** The faster of PostgreSQL's two queries: the one the ratio against Kumiwake is taken with. */
export const bestPgMs = (f: PostgresFigure): number => Math.min(f.pgMedianMs, f.pgSummaryMedianMs ?? Infinity);

/** Does every PostgreSQL count of the figure equal Kumiwake's? */
export const pgAgrees = (f: PostgresFigure): boolean => f.pgCount === f.count && (f.pgSummaryCount ?? f.count) === f.count;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Count and median time of one query: `runs` timed runs after a warm-up. */
async function timedCount(server: BenchPostgres, sql: string, runs: number): Promise<{ count: number; medianMs: number }> {
  let count = await server.count(sql); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    count = await server.count(sql);
    times.push(performance.now() - started);
  }
  return { count, medianMs: median(times) };
}

/**
 * The suite on PostgreSQL 15: loads (once per data directory) the DuckDB database's tables and
 * summaries, then times each segment's hand-written PostgreSQL query over the raw tables and,
 * where the planner reads summaries, the one over the summaries; median of `runs` after a
 * warm-up. The server is stopped before this returns.
 */
export async function benchPostgres(
  duckdbPath: string, cacheRoot: string, scale: number, asOf: LocalDate, runs: number, counts: readonly CountFigure[],
  onFigure: (f: PostgresFigure) => void, log: (line: string) => void, segments: readonly BenchSegment[] = benchSegments,
): Promise<PostgresFigure[] | { skipped: string }> {
  const found = BenchPostgres.findBinaries();
  if ('missing' in found) return { skipped: found.missing };
  const server = await BenchPostgres.start(found.bin, join(cacheRoot, `pg-${scale}x`));
  const figures: PostgresFigure[] = [];
  const withAsOf = (sql: string) => sql.replaceAll(':asof', formatDate(asOf));
  try {
    await server.load(duckdbPath, join(cacheRoot, 'pg-work'), log);
    for (const segment of segments) {
      const raw = await timedCount(server, withAsOf(segment.pgSql), runs);
      const summary = segment.pgSummarySql === undefined ? undefined : await timedCount(server, withAsOf(segment.pgSummarySql), runs);
      const ours = counts.find((c) => c.name === segment.name);
      const figure: PostgresFigure = {
        name: segment.name, count: ours?.count ?? NaN, pgCount: raw.count, pgMedianMs: raw.medianMs,
        ...(summary && { pgSummaryCount: summary.count, pgSummaryMedianMs: summary.medianMs }),
        kumiwakeMs: ours?.medianMs ?? NaN,
      };
      figures.push(figure);
      onFigure(figure);
    }
  } finally {
    server.stopSync();
  }
  return figures;
}
