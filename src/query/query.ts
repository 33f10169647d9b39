import { todayIn, type LocalDate } from '../model/dates.js';
import type { DefinitionInput } from '../model/definition.js';
import { DefinitionError, validateDefinition } from '../model/validate.js';
import { QueryDefinitionError, type QueryFault } from './errors.js';
import { positionsOf } from './spans.js';
import { parseQueryText } from './parser.js';
import { printDefinition } from './printer.js';
import type { Span } from './tokenizer.js';

export interface ParseQueryOptions {
  /** the date relative dates are checked at (default: today in Asia/Tokyo) */
  readonly asOf?: LocalDate;
  /** what faults call the text: `query` (the default), or the file it was read from */
  readonly source?: string;
}

/**
 * Reads a query (src/query/query-language.md) into the segment definition it writes, and checks
 * that definition with the definition's own parser: a text off the grammar is a QuerySyntaxError
 * (line, column, caret, expected tokens, nearest names), a definition breaking its rules a
 * QueryDefinitionError (the JSON faults, each at its place in the text). Saved segments it names
 * are checked where it is used (they live in a workspace).
 */
export function parseQuery(text: string, options: ParseQueryOptions = {}): DefinitionInput {
  const { definition, placeOf } = parseQueryText(text, options.source);
  try {
    checkDefinition(definition, options.asOf);
  } catch (e) {
    if (!(e instanceof DefinitionError)) throw e;
    throw queryFaults(text, placeOf, e, options.source);
  }
  return definition as DefinitionInput;
}

/** The faults of a definition made from `text`, at their places in it. */
export function queryFaults(text: string, placeOf: (path: string) => Span, error: DefinitionError, source?: string): QueryDefinitionError {
  const places = error.faults.map((f) => placeOf(f.path));
  const positions = positionsOf(text, places.map((p) => p.start));
  const faults: QueryFault[] = error.faults.map((f, i) => ({ ...f, ...positions[i]! }));
  return new QueryDefinitionError(text, faults, places, source);
}

/**
 * What parseQuery checks of the definition a query makes, and printCheckedQuery of the one it
 * prints: the definition's rules, saved segments left to where it is used (they live in a workspace).
 */
function checkDefinition(definition: unknown, asOf: LocalDate = todayIn('Asia/Tokyo')): void {
  validateDefinition(definition, { asOf, lookupSegment: () => ({}) });
}

/**
 * The canonical query text of a definition: parseQuery(printQuery(d)) is d. It checks only what
 * no query can write (`query-unprintable`) and the nesting limit, so that a definition with faults
 * prints, and reads back to the same faults at their places in the text.
 */
export function printQuery(definition: unknown): string {
  return printDefinition(definition);
}

/**
 * The canonical query text of a definition the definition's parser accepts: checked first, as
 * parseQuery checks the definition it reads, so a definition parse would refuse is refused here
 * with the same faults at their JSON paths (DefinitionError). What `kumiwake print` and the
 * server's POST /api/query/print write.
 */
export function printCheckedQuery(definition: unknown, options: { readonly asOf?: LocalDate } = {}): string {
  checkDefinition(definition, options.asOf);
  return printDefinition(definition);
}

/**
 * Faults found where a query's definition was used (a saved segment it names that does not exist
 * or is invalid), placed in the query's text as parseQuery places its own.
 */
export function placeQueryFaults(text: string, error: DefinitionError, source?: string): QueryDefinitionError {
  return queryFaults(text, parseQueryText(text, source).placeOf, error, source);
}
