import { readFileSync } from 'node:fs';
import { KumiwakeError, type SegmentInput } from '../index.js';

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
  const file = given === '' ? '-' : given;
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new KumiwakeError('file-missing', `${file}: cannot read the definition: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new KumiwakeError('definition-json', `${file === '-' ? 'standard input' : file}: not valid JSON: ${(e as Error).message}`);
  }
}
