import { KumiwakeError, parseQuery, readDefinitionFile, type SegmentInput } from '../index.js';

/** The segment a command names: `--segment NAME` (saved), `-q TEXT` (a query), or a definition file (JSON, a `.kwq` query; `-` for standard input). */
export function readSegmentInput(file: string | undefined, segment: string | undefined, query?: string): SegmentInput {
  const given = [file, segment, query].filter((g) => g !== undefined).length;
  if (given > 1) throw new KumiwakeError('bad-argument', 'give one of a definition file, --segment NAME or -q QUERY, not several');
  if (segment !== undefined) return { segment };
  if (query !== undefined) return { definition: parseQuery(query) };
  if (file === undefined) throw new KumiwakeError('bad-argument', 'give a definition file (DEF.json, a .kwq query, or - for standard input), --segment NAME or -q QUERY');
  return { definition: parseDefinitionFile(file) };
}

export function parseDefinitionFile(given: string): unknown {
  // yargs hands a lone "-" (standard input) over as an empty string.
  return readDefinitionFile(given === '' ? '-' : given);
}

/** The definition `segments save` takes: a file, or `-q TEXT`. */
export function readDefinitionArgument(file: string | undefined, query: string | undefined): unknown {
  if (file !== undefined && query !== undefined) throw new KumiwakeError('bad-argument', 'give a definition file or -q QUERY, not both');
  if (query !== undefined) return parseQuery(query);
  if (file === undefined) throw new KumiwakeError('bad-argument', 'give a definition file (DEF.json, a .kwq query, or - for standard input) or -q QUERY');
  return parseDefinitionFile(file);
}
