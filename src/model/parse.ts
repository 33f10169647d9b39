import { z } from 'zod';
import { condition } from './conditions/groups.js';
import { withContext, type ParseOptions, type SavedParse } from './conditions/context.js';
import { fixedObject } from './conditions/parts.js';
import { DefinitionError, describe, faultsOf, say } from './faults.js';
import type { Segment } from './segment.js';

export type { ParseOptions };

const text = z.string({ error: say('not-a-text', 'must be a text') }).optional();

/** A definition as a whole, over a schema of its conditions. */
export function definitionObject<C extends z.ZodType>(where: C) {
  return fixedObject({
    version: z.literal(1, { error: (issue) => say('unsupported-version', `version ${describe(issue.input)} is not supported (only 1)`) }).optional(),
    name: text,
    description: text,
    includeDeleted: z.boolean({ error: say('not-a-boolean', 'must be true or false') }).optional(),
    where: where.optional(),
  }, 'a segment definition', 'a segment definition must be a JSON object');
}

/** Conditions are parsed by `condition`, level by level. */
const definitionSchema = definitionObject(condition);

function parse(definition: unknown, options: ParseOptions): SavedParse {
  const parsed = withContext({ ...options, depth: 0, parseSaved: parse }, () => definitionSchema.safeParse(definition));
  if (!parsed.success) return { faults: faultsOf(parsed.error.issues) };
  const { name, description, includeDeleted, where } = parsed.data;
  return {
    segment: {
      version: 1,
      ...(name !== undefined ? { name } : {}),
      ...(description !== undefined ? { description } : {}),
      includeDeleted: includeDeleted ?? false,
      where: where ?? { kind: 'all', conditions: [] },
    },
  };
}

/**
 * Parses a definition as written (segment-definition.md) into a `Segment`, the saved segments it
 * refers to included; throws DefinitionError listing every fault (at most 100) with its JSON path.
 */
export function parseDefinition(definition: unknown, options: ParseOptions): Segment {
  const parsed = parse(definition, options);
  if ('faults' in parsed) throw new DefinitionError(parsed.faults);
  return parsed.segment;
}
