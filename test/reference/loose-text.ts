/**
 * Loose text and attribute ranges as segment-definition.md (field: loose, between on attr:)
 * states them, for the reference evaluator; shares no code with src/.
 */

/** NFKC, lower case, no spaces (either width), hyphens, dashes or ー; katakana read as hiragana. */
export function looseText(s: string): string {
  return s.normalize('NFKC').toLowerCase()
    .replace(/[ \t\u3000\u00a0\-\u2010-\u2015\u2212\u30fc\uff70\ufe63\uff0d\ufe58]/g, '')
    .replace(/[\u30a1-\u30f6\u30fd\u30fe]/g, (k) => String.fromCharCode(k.charCodeAt(0) - 0x60));
}

/** An attribute value as a number: digits with an optional sign and decimals, after NFKC and trimming. */
export function attributeNumber(v: string): number | undefined {
  const t = v.normalize('NFKC').trim();
  return /^[+-]?\d+(\.\d+)?$/.test(t) ? Number(t) : undefined;
}

/** An attribute value as `YYYY-MM-DD HH:MM:SS`: `YYYY-MM-DD` or `YYYY/MM/DD`, then a time optional, a real day. */
export function attributeTime(v: string): string | undefined {
  const t = v.normalize('NFKC').trim();
  const m = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(t);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (mo < 1 || mo > 12 || date.getUTCDate() !== d || date.getUTCMonth() !== mo - 1) return undefined;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59)) return undefined;
  return `${m[1]}-${m[2]}-${m[3]} ${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}`;
}
