import { z } from 'zod';
import { despiteFaults, bound, checkRange, fixedObject, type NumberRange } from './parts.js';

/** Days from the day of registration to the as-of date. */
export interface TenureCondition extends NumberRange {
  readonly kind: 'tenure';
}

const rules = { integer: true, nonNegative: true };

export const tenureCondition = fixedObject({ kind: z.literal('tenure'), min: bound('min', rules), max: bound('max', rules) }, 'a tenure condition', 'a condition must be an object')
  .superRefine((leaf, ctx) => checkRange(leaf, ctx), despiteFaults)
  .transform((leaf): TenureCondition => leaf);
