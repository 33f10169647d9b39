import { z } from 'zod';
import { fixedObject, match, textList } from './parts.js';

/** The customer carries any / all of the tags. */
export interface TagsCondition {
  readonly kind: 'tags';
  readonly tags: readonly string[];
  readonly match: 'any' | 'all';
}

export const tagsCondition = fixedObject({ kind: z.literal('tags'), tags: textList(true), match }, 'a tags condition', 'a condition must be an object')
  .transform((leaf): TagsCondition => ({ ...leaf, match: leaf.match ?? 'any' }));
