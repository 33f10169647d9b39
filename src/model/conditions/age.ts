import { z } from 'zod';
import { despiteFaults, bound, checkRange, fixedObject, type NumberRange } from './parts.js';

/** Full years at the as-of date; customers without a birthday never match. */
export interface AgeCondition extends NumberRange {
  readonly kind: 'age';
}

export const ageCondition = fixedObject({ kind: z.literal('age'), min: bound('min', { integer: true }), max: bound('max', { integer: true }) }, 'a age condition', 'a condition must be an object')
  .superRefine((leaf, ctx) => checkRange(leaf, ctx), despiteFaults)
  .transform((leaf): AgeCondition => leaf);
