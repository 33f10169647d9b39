/**
 * Loose text matching (`"loose": true` on a field condition, segment-definition.md): a name typed
 * with or without the space, ふりがな against フリガナ, a phone or postal code with or without
 * hyphens. After the usual folding (NFKC, lower case), spaces, hyphens and dashes are removed and
 * katakana become hiragana. The dialect applies the same tables to a column.
 */

/** Spaces of both widths, hyphens, dashes, minus signs and the long sound mark (ー, half-width ｰ). */
export const LOOSE_REMOVED = [
  ' ', '\u3000', '\u00A0', '\t', '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015',
  '\u2212', '\u30FC', '\uFF70', '\uFE63', '\uFF0D', '\uFE58',
];

/** Katakana ァ..ヶ, ヽ, ヾ and the hiragana each becomes. */
export const KATAKANA = String.fromCharCode(...Array.from({ length: 0x30F6 - 0x30A1 + 1 }, (_, i) => 0x30A1 + i), 0x30FD, 0x30FE);
export const HIRAGANA = String.fromCharCode(...Array.from({ length: 0x3096 - 0x3041 + 1 }, (_, i) => 0x3041 + i), 0x309D, 0x309E);

const removed = new Set(LOOSE_REMOVED);

/** A value as a loose comparison sees it. */
export function looseFoldText(value: string): string {
  let out = '';
  for (const ch of value.normalize('NFKC').toLowerCase()) {
    if (removed.has(ch)) continue;
    const k = KATAKANA.indexOf(ch);
    out += k >= 0 ? HIRAGANA[k] : ch;
  }
  return out;
}
