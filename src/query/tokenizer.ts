import { QuerySyntaxError } from './errors.js';
import type { Span } from './spans.js';

export type { Span };

export type TokenType = 'word' | 'number' | 'string' | 'punct' | 'eof';

export interface Token {
  readonly type: TokenType;
  /** a word, a punctuation mark, the number as written, or the string's value (escapes undone) */
  readonly text: string;
  readonly span: Span;
}

const PUNCTUATION = ['..', '>=', '<=', '!=', '(', ')', '{', '}', ',', ':', '=', '~'] as const;

/** Characters of a bare word: letters (any script), digits, marks and `_ - + % / @`. */
const WORD_CHAR = /[\p{L}\p{N}\p{M}_\-+%/@]/u;
export const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

export const isWordChar = (c: string | undefined): boolean => c !== undefined && WORD_CHAR.test(c);

/**
 * Splits a query into tokens. A bare word runs over word characters, a `.` followed by a word
 * character (`example.jp`, `3.5`; not `1..5`), and `:` after `attr` (`attr:会員ランク`); a word
 * that is a JSON number is a number. Strings are double-quoted with JSON's escapes. `#` starts a
 * comment to the end of the line.
 */
export function tokenize(text: string, source?: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/u.test(c)) { i++; continue; }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '"') { const end = readString(text, i, source); tokens.push({ type: 'string', text: JSON.parse(text.slice(i, end)) as string, span: { start: i, end } }); i = end; continue; }
    const mark = PUNCTUATION.find((p) => text.startsWith(p, i));
    if (mark) {
      tokens.push({ type: 'punct', text: mark, span: { start: i, end: i + mark.length } });
      i += mark.length;
      continue;
    }
    if (isWordChar(c)) {
      const start = i;
      const chars = Array.from(text.slice(i));
      let length = 0;
      for (let k = 0; k < chars.length; k++) {
        const ch = chars[k]!;
        const word = text.slice(start, start + length);
        if (isWordChar(ch) || (ch === '.' && isWordChar(chars[k + 1])) || (ch === ':' && word === 'attr' && chars[k + 1] !== undefined && (isWordChar(chars[k + 1]) || chars[k + 1] === '"'))) {
          length += ch.length;
          continue;
        }
        break;
      }
      const word = text.slice(start, start + length);
      i = start + length;
      if (word === 'attr:' && text[i] === '"') {
        // attr:"会員 ランク": a custom attribute whose name needs quotes
        const end = readString(text, i, source);
        tokens.push({ type: 'word', text: `attr:${JSON.parse(text.slice(i, end)) as string}`, span: { start, end } });
        i = end;
        continue;
      }
      tokens.push({ type: NUMBER.test(word) ? 'number' : 'word', text: word, span: { start, end: i } });
      continue;
    }
    throw new QuerySyntaxError(text, { start: i, end: i + c.length }, unexpected(c), [], [], source);
  }
  tokens.push({ type: 'eof', text: '', span: { start: text.length, end: text.length } });
  return tokens;
}

/** What to say of a character no token starts with: the likely slip when there is one. */
function unexpected(c: string): string {
  if (c === '>' || c === '<') return `"${c}" is not an operator: ranges include their ends, write ${c}= (orders >= 3, not orders > 2)`;
  const narrow = c.normalize('NFKC');
  if (narrow !== c && (PUNCTUATION.some((p) => p.startsWith(narrow)) || narrow === '"' || narrow === '>' || narrow === '<')) return `unexpected full-width "${c}": write the half-width "${narrow}"`;
  if (c === '\u201C' || c === '\u201D') return `unexpected "${c}": quote texts with the straight double quote "`;
  return `unexpected character "${c}"`;
}

/** The end (exclusive) of the JSON string starting at `start`. */
function readString(text: string, start: number, source?: string): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = i + 1;
      try {
        JSON.parse(text.slice(start, end));
      } catch {
        throw new QuerySyntaxError(text, { start, end }, 'a string has a bad escape (use \\" \\\\ \\n \\t \\uXXXX)', [], [], source);
      }
      return end;
    }
    if (c === '\\') i++;
    else if (c === '\n') break;
    i++;
  }
  throw new QuerySyntaxError(text, { start, end: Math.min(i, text.length) }, 'a string is not closed: a closing " is missing on this line', [], [], source);
}
