import { readFileSync } from 'node:fs';
import { KumiwakeError } from '../errors.js';
import { parseLocalDate, todayIn, type LocalDate } from '../model/dates.js';
import type { SegmentStore } from '../segments/store.js';

/** Reads a definition from a JSON file, `-` (standard input) or a saved segment's name. */
export function readDefinition(file: string | undefined, segment: string | undefined, store: SegmentStore): unknown {
  if (segment !== undefined) {
    if (file !== undefined) throw new KumiwakeError('bad-argument', 'give a definition file or --segment NAME, not both');
    return store.require(segment).definition;
  }
  if (file === undefined) throw new KumiwakeError('bad-argument', 'give a definition file (DEF.json, or - for standard input) or --segment NAME');
  return parseDefinitionFile(file);
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

/** The as-of date: --as-of YYYY-MM-DD, else today in the configured time zone. */
export function asOfDate(asOf: string | undefined, timeZone: string): LocalDate {
  if (asOf === undefined) {
    try {
      return todayIn(timeZone);
    } catch {
      throw new KumiwakeError('bad-argument', `--tz ${timeZone} is not a time zone (e.g. Asia/Tokyo)`);
    }
  }
  const date = parseLocalDate(asOf);
  if (!date) throw new KumiwakeError('bad-argument', `--as-of ${asOf} is not a date (YYYY-MM-DD)`);
  return date;
}
