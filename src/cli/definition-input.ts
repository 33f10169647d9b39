import { readFileSync } from 'node:fs';
import { DefinitionError, KumiwakeError, parseQuery, placeQueryFaults, QueryDefinitionError, readDefinitionFile, type SegmentInput } from '../index.js';

/** The query this command read its definition from, to place faults found later (a saved segment it names) in its text. */
let readQuery: { readonly text: string; readonly source?: string } | undefined;

/** A definition fault of the command's query, at its place in the text; any other error as it is. */
export function placedInQuery(error: unknown): unknown {
  if (readQuery === undefined || !(error instanceof DefinitionError) || error instanceof QueryDefinitionError) return error;
  return placeQueryFaults(readQuery.text, error, readQuery.source);
}

function fromQuery(text: string): unknown {
  const definition = parseQuery(text);
  readQuery = { text };
  return definition;
}

/** The segment a command names: `--segment NAME` (saved), `-q TEXT` (a query), or a definition file (JSON, a `.kwq` query; `-` for standard input). */
export function readSegmentInput(file: string | undefined, segment: string | undefined, query?: string): SegmentInput {
  const given = [file, segment, query].filter((g) => g !== undefined).length;
  if (given > 1) throw new KumiwakeError('bad-argument', 'give one of a definition file, --segment NAME or -q QUERY, not several');
  if (segment !== undefined) return { segment };
  if (query !== undefined) return { definition: fromQuery(query) };
  if (file === undefined) throw new KumiwakeError('bad-argument', 'give a definition file (DEF.json, a .kwq query, or - for standard input), --segment NAME or -q QUERY');
  return { definition: parseDefinitionFile(file) };
}

export function parseDefinitionFile(given: string): unknown {
  // yargs hands a lone "-" (standard input) over as an empty string.
  const file = given === '' ? '-' : given;
  const definition = readDefinitionFile(file);
  if (/\.kwq$/i.test(file)) readQuery = { text: readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), source: file };
  return definition;
}

/** The definition `segments save` takes: a file, or `-q TEXT`. */
export function readDefinitionArgument(file: string | undefined, query: string | undefined): unknown {
  if (file !== undefined && query !== undefined) throw new KumiwakeError('bad-argument', 'give a definition file or -q QUERY, not both');
  if (query !== undefined) return fromQuery(query);
  if (file === undefined) throw new KumiwakeError('bad-argument', 'give a definition file (DEF.json, a .kwq query, or - for standard input) or -q QUERY');
  return parseDefinitionFile(file);
}
