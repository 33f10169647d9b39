import { z } from 'zod';
import { say } from '../faults.js';
import type { Segment } from '../segment.js';
import { addFault, parseContext } from './context.js';
import { fixedObject } from './parts.js';

/** Membership of another saved segment, parsed with it: the planner needs no lookup. */
export interface SegmentCondition {
  readonly kind: 'segment';
  readonly name: string;
  readonly definition: Segment;
}

const nameTheSegment = say('missing-name', 'name the saved segment');
// Not .min(1): zod checks a length even of a value that is not a text, and would say it twice.
// A number is read as its text, as in every text place (a segment saved as "2024"; `segment(2024)`).
const name = z.preprocess((v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : v),
  z.string({ error: nameTheSegment }).refine((n) => n !== '', { error: nameTheSegment })).meta({ type: ['string', 'number'], minLength: 1 });

/**
 * The saved segment is parsed inside this one's parse, with the chain of names that led to it:
 * a name already in the chain is a cycle. Its faults are reported at this reference.
 */
export const segmentCondition = fixedObject({ kind: z.literal('segment'), name }, 'a segment condition', 'a condition must be an object')
  .transform((leaf, ctx): SegmentCondition => {
    const context = parseContext();
    const chain = context.segmentChain ?? [];
    if (chain.includes(leaf.name)) {
      addFault(ctx, 'segment-cycle', `segments refer to each other in a cycle: ${[...chain.slice(chain.indexOf(leaf.name)), leaf.name].join(' → ')}`, 'name');
      return z.NEVER;
    }
    const saved = context.lookupSegment?.(leaf.name);
    if (saved === undefined) {
      addFault(ctx, 'unknown-segment', `there is no saved segment "${leaf.name}"`, 'name');
      return z.NEVER;
    }
    const parsed = context.parseSaved(saved, { asOf: context.asOf, lookupSegment: context.lookupSegment, segmentChain: [...chain, leaf.name] });
    if ('segment' in parsed) return { kind: 'segment', name: leaf.name, definition: parsed.segment };
    for (const f of parsed.faults) {
      if (f.code === 'segment-cycle') addFault(ctx, f.code, f.message, 'name');
      else addFault(ctx, 'invalid-saved-segment', `saved segment "${leaf.name}" is invalid: ${f.path}: ${f.message}`, 'name');
    }
    return z.NEVER;
  });
