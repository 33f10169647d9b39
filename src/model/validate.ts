/**
 * The names callers knew before definitions were parsed (parse.ts) rather than validated; they
 * stay so that callers need not change.
 */
import type { ParseOptions } from './conditions/context.js';
import type { SegmentDefinition } from './definition.js';
import { parseDefinition } from './parse.js';

export { DefinitionError, readablePath, FAULT_CODES, type Fault, type FaultCode } from './faults.js';
export { MAX_DEPTH, MAX_LIST } from './conditions/parts.js';
export { parseDefinition };
export type ValidateOptions = ParseOptions;

/** Checks a definition against segment-definition.md; throws DefinitionError listing every fault. */
export function validateDefinition(definition: unknown, options: ValidateOptions): SegmentDefinition {
  parseDefinition(definition, options);
  // Until the planner takes the parsed Segment, it compiles the definition as written.
  return definition as SegmentDefinition;
}
