import { openWorkspace } from '../index.js';
import { parseLocalDate } from '../model/dates.js';
import { countSegment } from '../segments/evaluate.js';
import { SegmentStore } from '../segments/store.js';
import { benchSegments, type BenchSegment } from './segments.js';

export interface InteractiveFigure {
  /** which condition of the combined LTV segment changes from count to count */
  readonly edit: string;
  readonly counts: number;
  readonly firstMs: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  /** the same definitions counted whole, without the kept sets (median) */
  readonly wholeMedianMs: number;
  readonly agree: boolean;
}

type Where = { all: Array<Record<string, unknown>> };

/** One edit a marketer makes: condition `index` of the combined LTV segment becomes `make(i)`. */
export const interactiveEdits: ReadonlyArray<{ name: string; index: number; make: (i: number) => Record<string, unknown> }> = [
  { name: 'age range (attribute)', index: 1, make: (i) => ({ kind: 'age', min: 25 + (i % 10), max: 55 + Math.floor(i / 10) }) },
  { name: 'lifetime order count (purchases)', index: 2, make: (i) => ({ kind: 'purchases', orderCount: { min: 2 + (i % 4) }, sales: { min: 5000 + 500 * i } }) },
  { name: 'clicked mails (events)', index: 5, make: (i) => ({ not: { kind: 'mail', event: 'click', mails: [`M00${String(80 + (i % 20)).padStart(2, '0')}`, 'M0100'] } }) },
];

/** The combined LTV segment of the bench suite, which the interactive series edit. */
export const combinedLtv = (segments: readonly BenchSegment[] = benchSegments) => segments.find((s) => s.name === 'combined LTV')!.definition as { where: Where };

export const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(p * values.length) - 1)]!;

/**
 * Interactive counts (issue 11, item 4): a workspace kept open with `interactive: true` counts
 * the combined LTV segment, then `runs` variants that each differ from the last in one condition
 * never counted before. Each variant is also counted whole (no kept sets) to check the answers.
 */
export async function benchInteractive(dbPath: string, asOf: string, runs: number, report: (f: InteractiveFigure) => void, segments: readonly BenchSegment[] = benchSegments): Promise<InteractiveFigure[]> {
  const combined = combinedLtv(segments);
  const figures: InteractiveFigure[] = [];
  for (const edit of interactiveEdits) {
    const interactive = await openWorkspace({ db: dbPath, readOnly: true, interactive: true });
    try {
      // The whole count runs on the same engine (one process opens a file once).
      const db = await interactive.database();
      const store = await SegmentStore.load(db);
      const day = parseLocalDate(asOf)!;
      let started = performance.now();
      await interactive.count({ definition: combined }, { asOf });
      const firstMs = performance.now() - started;
      const times: number[] = [];
      const wholeTimes: number[] = [];
      let agree = true;
      for (let i = 0; i < runs; i++) {
        const conditions = [...combined.where.all];
        conditions[edit.index] = edit.make(i);
        const definition = { where: { all: conditions } };
        started = performance.now();
        const fast = await interactive.count({ definition }, { asOf });
        times.push(performance.now() - started);
        started = performance.now();
        const slow = await countSegment(db, definition, store, day);
        wholeTimes.push(performance.now() - started);
        if (fast.count !== slow.count || JSON.stringify(fast.reachable) !== JSON.stringify(slow.reachable)) agree = false;
      }
      const figure = { edit: edit.name, counts: runs, firstMs, medianMs: percentile(times, 0.5), p95Ms: percentile(times, 0.95), wholeMedianMs: percentile(wholeTimes, 0.5), agree };
      report(figure);
      figures.push(figure);
    } finally {
      await interactive.close();
    }
  }
  return figures;
}
