import { KumiwakeError } from '../errors.js';
import { CLI_INPUTS, type InputNames } from '../input-names.js';
import { DAY_RANGE_TEXT, parseLocalDate, type LocalDate } from '../model/dates.js';
import type { SegmentStore } from '../segments/store.js';
import type { SegmentInput } from './types.js';

/** The definition to check and plan: the saved segment's, or the one given. */
export function resolveSegment(input: SegmentInput, store: SegmentStore, names: InputNames = CLI_INPUTS): unknown {
  if ('segment' in input) return store.require(input.segment, names).definition;
  if ('definition' in input) return input.definition;
  throw new KumiwakeError('bad-argument', 'name a saved segment ({ segment: NAME }) or give a definition ({ definition: {...} })');
}

/** An as-of date: a calendar day from 0001-01-01 to 9999-12-31, as the tables hold; a fault names it as the caller does. */
export function parseAsOf(text: string, names: InputNames = CLI_INPUTS): LocalDate {
  const date = parseLocalDate(text);
  if (date) return date;
  if (/^0000-\d{2}-\d{2}$/.test(text)) throw new KumiwakeError('bad-argument', `${names.given('asOf', text)} is out of range: dates run from ${DAY_RANGE_TEXT}`);
  throw new KumiwakeError('bad-argument', `${names.given('asOf', text)} is not a date (YYYY-MM-DD)`);
}
