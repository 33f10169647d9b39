/**
 * What a number box reads as a number. `Number()` reads far more than a marketer means: `0x10`
 * (16), `1e3` (1000), `0b11`, ` ` (0). A box reads only a plain decimal number, as the importer
 * reads a number cell (src/engine/duckdb/import/values.ts): an optional sign, digits (grouped by
 * thousands with commas, or not), an optional decimal point; full-width digits and signs as
 * their ASCII forms; and, in an amount's box, a trailing 円. Anything else is kept as the text
 * typed, so the parser's fault (`not-a-number`) says what is wrong beside the box.
 */

const FULL_WIDTH = '０１２３４５６７８９，．－＋';
const ASCII = '0123456789,.-+';

/** Digits, or digits grouped by thousands (`1,234,567`; not `1,5`, `12,34` or `0,123`). */
const DIGITS = '(?:[0-9]+|[1-9][0-9]{0,2}(?:,[0-9]{3})+)';
const PLAIN = new RegExp(`^[+-]?(?:${DIGITS}(?:\\.[0-9]*)?|\\.[0-9]+)$`);

const halfWidth = (text: string) => text.replace(/[０-９，．－＋]/g, (c) => ASCII[FULL_WIDTH.indexOf(c)]!);

/** The number a box's text means, or the text itself when it is not a plain decimal number. */
export function readNumber(text: string, options: { yen?: boolean } = {}): number | string {
  let plain = halfWidth(text.trim());
  if (options.yen && plain.endsWith('円')) plain = plain.slice(0, -1).trimEnd();
  if (!PLAIN.test(plain)) return text;
  const value = Number(plain.replace(/,/g, ''));
  return Number.isFinite(value) ? value : text;
}
