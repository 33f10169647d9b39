import type { Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import { csvRow } from '../csv-text.js';
import { formatDate, type LocalDate } from '../model/dates.js';
import { validateDefinition } from '../model/validate.js';
import { compileOverlap } from '../planner/compile-condition-counts.js';
import { planTargetOf } from './evaluate.js';
import type { SegmentStore } from './store.js';

/** How many customers each pair of saved segments holds in common (`kumiwake overlap`). */
export interface OverlapResult {
  /** the segments, in the order given */
  readonly segments: readonly string[];
  /** `matrix[i][j]`: customers in both segments i and j (symmetric); `matrix[i][i]` is segment i's count */
  readonly matrix: ReadonlyArray<readonly number[]>;
  /** the same figures as a list, each pair once (i < j) */
  readonly pairs: ReadonlyArray<{ readonly a: string; readonly b: string; readonly count: number }>;
  readonly asOf: string;
  readonly elapsedMs: number;
}

/**
 * The pairwise intersections of saved segments in one statement (one flag per segment per
 * customer, then a filtered count per pair). Every name must be saved (`segment-unknown`
 * otherwise) and named once.
 */
export async function overlapSegments(db: Engine, names: readonly string[], store: SegmentStore, asOf: LocalDate): Promise<OverlapResult> {
  const started = performance.now();
  if (names.length === 0) throw new KumiwakeError('bad-argument', 'name at least one saved segment');
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) throw new KumiwakeError('bad-argument', `segment "${twice}" is named twice`);
  const segments = names.map((name) => validateDefinition(store.require(name).definition, { asOf, lookupSegment: store.lookup }));
  const target = await planTargetOf(db);
  const plan = target.compileOverlap?.(segments, asOf) ?? compileOverlap(segments, { dialect: target.dialect, asOf, schema: target.schema });
  const [row] = await target.query<Record<string, bigint | number>>(plan);
  const pair = (i: number, j: number) => Number(row?.[`p${Math.min(i, j)}_${Math.max(i, j)}`] ?? 0);
  const matrix = names.map((_, i) => names.map((__, j) => pair(i, j)));
  const pairs = names.flatMap((a, i) => names.slice(i + 1).map((b, k) => ({ a, b, count: pair(i, i + 1 + k) })));
  return { segments: [...names], matrix, pairs, asOf: formatDate(asOf), elapsedMs: Math.round(performance.now() - started) };
}

/** The matrix as CSV: a header of the segment names, then one row per segment (its name, then its counts). */
export function overlapCsv(result: OverlapResult): string {
  return csvRow(['segment', ...result.segments]) + result.segments.map((name, i) => csvRow([name, ...result.matrix[i]!.map(String)])).join('');
}
