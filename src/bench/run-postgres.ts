import { join } from 'node:path';
import { formatDate, type LocalDate } from '../model/dates.js';
import { BenchPostgres } from './postgres.js';
import type { CountFigure } from './run-counts.js';
import { benchSegments } from './segments.js';

export interface PostgresFigure {
  readonly name: string;
  readonly count: number;
  readonly pgCount: number;
  readonly pgMedianMs: number;
  /** the planner's count in DuckDB (CountFigure.medianMs), for the ratio */
  readonly kumiwakeMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The suite on PostgreSQL 15: loads (once per data directory) the DuckDB database's tables,
 * then times each segment's hand-written PostgreSQL query, median of `runs` after a warm-up.
 * The server is stopped before this returns.
 */
export async function benchPostgres(
  duckdbPath: string, cacheRoot: string, scale: number, asOf: LocalDate, runs: number, counts: readonly CountFigure[],
  onFigure: (f: PostgresFigure) => void, log: (line: string) => void,
): Promise<PostgresFigure[] | { skipped: string }> {
  const found = BenchPostgres.findBinaries();
  if ('missing' in found) return { skipped: found.missing };
  const server = await BenchPostgres.start(found.bin, join(cacheRoot, `pg-${scale}x`));
  const figures: PostgresFigure[] = [];
  try {
    await server.load(duckdbPath, join(cacheRoot, 'pg-work'), log);
    for (const segment of benchSegments) {
      const sql = segment.pgSql.replaceAll(':asof', formatDate(asOf));
      let pgCount = await server.count(sql); // warm-up
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        pgCount = await server.count(sql);
        times.push(performance.now() - started);
      }
      const ours = counts.find((c) => c.name === segment.name);
      const figure = { name: segment.name, count: ours?.count ?? NaN, pgCount, pgMedianMs: median(times), kumiwakeMs: ours?.medianMs ?? NaN };
      figures.push(figure);
      onFigure(figure);
    }
  } finally {
    server.stopSync();
  }
  return figures;
}
