import { z } from 'zod';
import { describe, say } from '../faults.js';
import { isRfmCell, RFM_CELLS, type RfmCell } from '../rfm-cells.js';
import { addFault } from './context.js';
import { despiteFaults, fixedObject } from './parts.js';

/** An inclusive range of 1–5 scores: `[4, 5]`. */
export type ScoreRange = readonly [number, number];

/**
 * RFM scores of the customer at the as-of date (segment-definition.md, rfm): every range given
 * holds, or the customer is in the named cell. A customer without a counted order has no score
 * and matches no rfm condition.
 */
export type RfmCondition =
  | { readonly kind: 'rfm'; readonly r?: ScoreRange; readonly f?: ScoreRange; readonly m?: ScoreRange; readonly cell?: undefined }
  | { readonly kind: 'rfm'; readonly cell: RfmCell; readonly r?: undefined; readonly f?: undefined; readonly m?: undefined };

const isScore = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5;

/** `[lo, hi]`, two whole numbers from 1 to 5, lo ≤ hi. */
function scoreRange(key: 'r' | 'f' | 'm') {
  return z
    .array(z.unknown(), { error: say('not-a-list', `${key} is a range of scores [lo, hi], e.g. [4, 5]`) })
    .superRefine((list, ctx) => {
      if (list.length !== 2) return addFault(ctx, 'not-a-list', `${key} is a range of two scores [lo, hi], e.g. [4, 5], not ${list.length} values`);
      list.forEach((v, i) => {
        if (typeof v !== 'number') addFault(ctx, 'not-a-number', `a score must be a number, not ${describe(v)}`, i);
        else if (!Number.isInteger(v)) addFault(ctx, 'not-a-whole-number', 'a score must be a whole number', i);
        else if (!isScore(v)) addFault(ctx, 'out-of-range', `score ${v} is out of range (scores run from 1 to 5)`, i);
      });
      const [lo, hi] = list;
      if (isScore(lo) && isScore(hi) && lo > hi) addFault(ctx, 'min-greater-than-max', `${key} ${lo} is greater than ${hi}`);
    })
    .meta({ type: 'array', prefixItems: [{ type: 'integer', minimum: 1, maximum: 5 }, { type: 'integer', minimum: 1, maximum: 5 }], minItems: 2, maxItems: 2 })
    .transform((list): ScoreRange => [list[0] as number, list[1] as number])
    .optional();
}

const cell = z
  .unknown()
  .superRefine((v, ctx) => {
    if (!isRfmCell(v)) addFault(ctx, 'unknown-cell', `unknown RFM cell ${describe(v)} (expected one of ${RFM_CELLS.join(', ')})`);
  })
  .meta({ enum: [...RFM_CELLS] })
  .transform((v) => v as RfmCell)
  .optional();

export const rfmCondition = fixedObject({ kind: z.literal('rfm'), r: scoreRange('r'), f: scoreRange('f'), m: scoreRange('m'), cell }, 'an rfm condition', 'a condition must be an object')
  .superRefine((leaf, ctx) => {
    if (leaf.cell !== undefined && (leaf.r !== undefined || leaf.f !== undefined || leaf.m !== undefined)) {
      addFault(ctx, 'cell-or-scores', 'give a "cell" or score ranges (r, f, m), not both');
    }
  }, despiteFaults)
  .transform((leaf): RfmCondition => (leaf.cell !== undefined
    ? { kind: 'rfm', cell: leaf.cell }
    : { kind: 'rfm', ...(leaf.r ? { r: leaf.r } : {}), ...(leaf.f ? { f: leaf.f } : {}), ...(leaf.m ? { m: leaf.m } : {}) }));
