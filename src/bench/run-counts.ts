import { DuckDBEngine } from '../engine/duckdb/engine.js';
import { formatDate, type LocalDate } from '../model/dates.js';
import { countSegment, planMembers, planTargetOf } from '../segments/evaluate.js';
import { SegmentStore } from '../segments/store.js';
import { benchSegments, type BenchSegment } from './segments.js';

export interface CountFigure {
  readonly name: string;
  readonly count: number;
  readonly handCount: number;
  /** the planner's SQL for the customer count alone: the same work as the hand-written query */
  readonly medianMs: number;
  readonly handMedianMs: number;
  /** the whole `kumiwake count` (validation, planning, count and reachable counts) */
  readonly commandMedianMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(work: () => Promise<unknown>, runs: number): Promise<number> {
  await work(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Counts every suite segment with the planner and with its hand-written query; medians of `runs` after a warm-up. */
export async function benchCounts(dbPath: string, asOf: LocalDate, runs: number, onFigure: (f: CountFigure) => void, segments: readonly BenchSegment[] = benchSegments): Promise<CountFigure[]> {
  const db = await DuckDBEngine.open(dbPath, { readOnly: true });
  const figures: CountFigure[] = [];
  try {
    const store = await SegmentStore.load(db);
    for (const segment of segments) {
      const hand = segment.handSql.replaceAll(':asof', formatDate(asOf));
      let count = 0;
      let handCount = 0;
      const target = await planTargetOf(db);
      const medianMs = await timed(async () => {
        const plan = planMembers(segment.definition, store, asOf, target);
        const [row] = await db.query<{ n: bigint }>({ sql: `SELECT count(*) AS n FROM (${plan.sql})`, parameters: plan.parameters });
        count = Number(row!.n);
      }, runs);
      const commandMedianMs = await timed(() => countSegment(db, segment.definition, store, asOf), runs);
      const handMedianMs = await timed(async () => {
        const [row] = await db.all<Record<string, bigint>>(hand);
        handCount = Number(Object.values(row!)[0]);
      }, runs);
      const figure = { name: segment.name, count, handCount, medianMs, handMedianMs, commandMedianMs };
      figures.push(figure);
      onFigure(figure);
    }
  } finally {
    db.close();
  }
  return figures;
}
