/**
 * The statement's `$n` placeholders replaced by the values, each written by the one audited
 * escaping function (literal.ts): ClickHouse 18.16 has no query parameters. A list value (a long
 * `inList`, a text list) becomes an array of such literals. Placeholders are only replaced
 * outside quoted strings and identifiers, so a `$1` inside a quoted column name stays as it is.
 */
import { chLiteral } from './literal.js';

/** One value as SQL text, by the audited function (an array of literals for a list). */
export const literal = (value: unknown): string => chLiteral(value);

export function inlineParameters(text: string, parameters: readonly unknown[]): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = quotedEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (ch === '$' && /[0-9]/.test(text[i + 1] ?? '')) {
      let j = i + 1;
      while (j < text.length && /[0-9]/.test(text[j]!)) j++;
      const n = Number(text.slice(i + 1, j));
      if (n < 1 || n > parameters.length) throw new Error(`INTERNAL ERROR: placeholder $${n} has no value (${parameters.length} given)`);
      out += literal(parameters[n - 1]);
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** Where the quoted text starting at `start` ends (after its closing quote); backslash and doubled quotes escape. */
function quotedEnd(text: string, start: number): number {
  const quote = text[start]!;
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === quote && text[i + 1] === quote) i += 2;
    else if (text[i] === quote) return i + 1;
    else i++;
  }
  throw new Error('INTERNAL ERROR: an unterminated quote in a compiled statement');
}
