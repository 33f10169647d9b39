import { z } from 'zod';
import type { LocalDate } from '../dates.js';
import { say, type FaultCode } from '../faults.js';
import type { Segment } from '../segment.js';

/** What parsing a definition needs besides the definition. */
export interface ParseOptions {
  readonly asOf: LocalDate;
  /** the saved segment of that name as it was written, or undefined when there is none */
  readonly lookupSegment?: (name: string) => unknown | undefined;
  /** names of the segments being parsed around this one, to find cycles */
  readonly segmentChain?: readonly string[];
}

/** The parse of a saved segment a definition refers to. */
export type SavedParse = { readonly segment: Segment } | { readonly faults: readonly { readonly code: FaultCode; readonly path: string; readonly message: string }[] };

export interface ParseContext extends ParseOptions {
  /** conditions entered so far: 0 at the top, so `where` is at level 1 */
  depth: number;
  readonly parseSaved: (definition: unknown, options: ParseOptions) => SavedParse;
}

/*
 * The schemas are built once (building one costs more than parsing a definition with it), so
 * what a parse depends on (the as-of date, the saved segments, the nesting level) cannot be
 * closed over: it is here while `withContext` runs. Parsing is synchronous, so a stack is
 * enough; a saved segment parsed inside a definition pushes its own.
 */
const stack: ParseContext[] = [];

export function withContext<T>(context: ParseContext, parse: () => T): T {
  stack.push(context);
  try {
    return parse();
  } finally {
    stack.pop();
  }
}

export function parseContext(): ParseContext {
  const context = stack.at(-1);
  if (!context) throw new Error('INTERNAL ERROR: a definition schema ran outside parseDefinition');
  return context;
}

/** Adds a fault at a path below the value being refined or transformed. */
export function addFault(ctx: z.core.$RefinementCtx, code: FaultCode, message: string, ...path: PropertyKey[]): void {
  ctx.addIssue({ code: 'custom', message: say(code, message), path });
}
