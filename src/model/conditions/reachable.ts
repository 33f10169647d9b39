import { z } from 'zod';
import { describe, say } from '../faults.js';
import { fixedObject } from './parts.js';

export const CHANNELS = ['email', 'email_pc', 'email_mobile', 'line', 'dm'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Can be contacted on a channel now (segment-definition.md, reachable). */
export interface ReachableCondition {
  readonly kind: 'reachable';
  readonly channel: Channel;
}

const channel = z.enum(CHANNELS, { error: (issue) => say('unknown-channel', `unknown channel ${describe(issue.input)} (expected email, email_pc, email_mobile, line or dm)`) });

export const reachableCondition = fixedObject({ kind: z.literal('reachable'), channel }, 'a reachable condition', 'a condition must be an object')
  .transform((leaf): ReachableCondition => leaf);
