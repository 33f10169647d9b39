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

/** A number as the canonical text writes it: as JavaScript prints it (the shortest text that reads back as it), `-0` kept. */
export const numberText = (n: number): string => (Object.is(n, -0) ? '-0' : String(n));

export const isWordChar = (c: string | undefined): boolean => c !== undefined && WORD_CHAR.test(c);

/**
 * Splits a query into tokens. A bare word runs over word characters, a `.` followed by a word
 * character (`example.jp`, `3.5`; not `1..5`), and `:` after `attr` (`attr:会員ランク`); a word
 * that is a JSON number is a number (its text kept as typed: the parser decides what it stands
 * for, cursor.ts `bareNumber`). Strings are double-quoted with JSON's escapes. `#` at the start of
 * the text or after a space starts a comment to the end of the line; right after a token it is a
 * fault (`hashAfterToken`).
 */
export function tokenize(text: string, source?: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/u.test(c)) { i++; continue; }
    if (c === '#') {
      if (i > 0 && !/\s/u.test(text[i - 1]!)) throw hashAfterToken(text, i, tokens.at(-1), source);
      i = lineEnd(text, i);
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
      i = wordEnd(text, start);
      const word = text.slice(start, i);
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

/**
 * The end of the bare word starting at `start`. Each character is looked at once, with the one
 * after it: the word's text so far is never sliced again, so reading a query stays linear in its
 * length (it once copied the rest of the text for every word, minutes for a list of 100,000 values).
 */
function wordEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length) {
    const ch = charAt(text, end)!;
    const next = charAt(text, end + ch.length);
    const attrColon = ch === ':' && end - start === 4 && text.startsWith('attr', start) && (isWordChar(next) || next === '"');
    if (!(isWordChar(ch) || (ch === '.' && isWordChar(next)) || attrColon)) break;
    end += ch.length;
  }
  return end;
}

/** The character (a whole code point, as Array.from splits a text) at offset `i`, if any. */
const charAt = (text: string, i: number): string | undefined => (i < text.length ? String.fromCodePoint(text.codePointAt(i)!) : undefined);

/** Where the comment starting at `start` ends: the end of its line. */
function lineEnd(text: string, start: number): number {
  const newline = text.indexOf('\n', start);
  return newline < 0 ? text.length : newline;
}

/**
 * A `#` right after a token (`注文#123`, `name = a#b`, `age 20..29#and`). It once started a
 * comment there, which cut the word and dropped the rest of the line without a word; a comment
 * now needs a space before it, and the fault says how to write either meaning.
 */
function hashAfterToken(text: string, at: number, previous: Token | undefined, source?: string): QuerySyntaxError {
  const span = { start: at, end: at + 1 };
  if (previous?.type === 'word' || previous?.type === 'number') {
    const written = text.slice(previous.span.start, wordWithHashesEnd(text, at));
    return new QuerySyntaxError(text, span, `"#" inside a word: quote the text (${JSON.stringify(written)}), or put a space before a comment`, [], [], source);
  }
  const after = previous?.type === 'string' ? 'a quoted text' : `"${previous?.text ?? ''}"`;
  const inQuotes = previous?.type === 'string' ? ', or put the "#" inside the quotes' : '';
  return new QuerySyntaxError(text, span, `"#" right after ${after}: put a space before a comment${inQuotes}`, [], [], source);
}

/** The end of the word a `#` at `at` was typed in (`注文#123`): what the fault offers to quote. */
function wordWithHashesEnd(text: string, at: number): number {
  const chars = Array.from(text.slice(at));
  let end = at;
  for (let k = 0; k < chars.length; k++) {
    const c = chars[k]!;
    if (!(c === '#' || isWordChar(c) || (c === '.' && isWordChar(chars[k + 1])))) break;
    end += c.length;
  }
  return end;
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
