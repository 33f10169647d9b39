import { KumiwakeError, readDefinitionFile, type SegmentInput } from '../index.js';

/** The segment a command names: `--segment NAME` (saved), or a JSON file (`-` for standard input). */
export function readSegmentInput(file: string | undefined, segment: string | undefined): SegmentInput {
  if (segment !== undefined) {
    if (file !== undefined) throw new KumiwakeError('bad-argument', 'give a definition file or --segment NAME, not both');
    return { segment };
  }
  if (file === undefined) throw new KumiwakeError('bad-argument', 'give a definition file (DEF.json, or - for standard input) or --segment NAME');
  return { definition: parseDefinitionFile(file) };
}

export function parseDefinitionFile(given: string): unknown {
  // yargs hands a lone "-" (standard input) over as an empty string.
  return readDefinitionFile(given === '' ? '-' : given);
}
