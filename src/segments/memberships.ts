import type { Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import type { Segment } from '../model/segment.js';
import { validateDefinition } from '../model/validate.js';
import { compileMemberships } from '../planner/compile-node-flags.js';
import type { PlanOptions } from '../planner/compile-segment.js';
import type { SegmentStore } from './store.js';

/** A saved segment and whether one customer is in it; `in` is null, and `error` says why, when it cannot be evaluated. */
export interface SegmentMembership {
  readonly name: string;
  readonly in: boolean | null;
  readonly error?: { readonly code: string; readonly message: string };
}

const errorOf = (error: unknown) => ({
  code: error instanceof KumiwakeError ? error.code : 'internal',
  message: error instanceof Error ? error.message.split('\n')[0]! : String(error),
});

/**
 * Whether the customer is in each saved segment, in one statement for all of them; a segment
 * that does not parse (it refers to one that is gone) or whose statement fails is listed with its
 * error, and the others are still evaluated (then one statement each).
 */
export async function savedMemberships(
  db: Engine, store: SegmentStore, customerId: string, plan: PlanOptions,
  inEach: (segments: readonly Segment[]) => Promise<boolean[]> = async (segments) => {
    const [row] = await db.query<Record<string, unknown>>(compileMemberships(segments, customerId, plan));
    return segments.map((_, i) => row?.[`s${i}`] === true);
  },
): Promise<SegmentMembership[]> {
  const saved = store.list();
  const parsed = saved.map((s) => {
    try {
      return { name: s.name, segment: validateDefinition(s.definition, { asOf: plan.asOf, lookupSegment: store.lookup }) };
    } catch (error) {
      return { name: s.name, error: errorOf(error) };
    }
  });
  const valid = parsed.flatMap((p) => ('segment' in p && p.segment ? [{ name: p.name, segment: p.segment }] : []));
  const flags = new Map<string, SegmentMembership>();
  const evaluate = async (group: ReadonlyArray<{ name: string; segment: Segment }>) => {
    const held = await inEach(group.map((g) => g.segment));
    group.forEach((g, i) => flags.set(g.name, { name: g.name, in: held[i] === true }));
  };
  try {
    if (valid.length > 0) await evaluate(valid);
  } catch {
    for (const one of valid) await evaluate([one]).catch((error: unknown) => flags.set(one.name, { name: one.name, in: null, error: errorOf(error) }));
  }
  return parsed.map((p) => flags.get(p.name) ?? { name: p.name, in: null, error: 'error' in p && p.error ? p.error : errorOf(new Error('not evaluated')) });
}
