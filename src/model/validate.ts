/**
 * The names callers knew before definitions were parsed (parse.ts) rather than validated; they
 * stay so that callers need not change.
 */
import type { ParseOptions } from './conditions/context.js';
import { parseDefinition } from './parse.js';
import type { Segment } from './segment.js';

export { DefinitionError, readablePath, FAULT_CODES, type Fault, type FaultCode } from './faults.js';
export { MAX_DEPTH, MAX_LIST, TOO_DEEP_MESSAGE } from './conditions/parts.js';
export { parseDefinition };
export type ValidateOptions = ParseOptions;

/** Parses a definition (segment-definition.md) into the `Segment` the planner takes; throws DefinitionError listing every fault. */
export function validateDefinition(definition: unknown, options: ValidateOptions): Segment {
  return parseDefinition(definition, options);
}
