import { KumiwakeError } from '../errors.js';
import { DefinitionError, TOO_DEEP_MESSAGE, type Fault } from '../model/validate.js';
import { isHighSurrogate, isLowSurrogate, positionOf, type Position, type Span } from './spans.js';

export { positionOf, type Position };

/**
 * The line of `span` with a caret line under it: what a terminal shows of a fault. A line longer
 * than SHOWN characters is shown around the fault, cut with `…`: a query of one 8 MB line once
 * made a message of a copy of it per fault, past the longest text JavaScript holds (a 500).
 */
export function caretLines(text: string, span: Span): string {
  const { from, to } = shownPart(text, span.start);
  const source = text.slice(from, to);
  const cutBefore = from > 0 && text[from - 1] !== '\n' ? '…' : '';
  const cutAfter = to < text.length && text[to] !== '\n' ? '…' : '';
  const width = Math.max(1, Array.from(text.slice(span.start, Math.min(span.end, span.start + source.length))).filter((c) => c !== '\n').length);
  // East Asian wide characters take two columns on a terminal: pad under them with two spaces.
  const pad = (cutBefore ? ' ' : '') + Array.from(text.slice(from, span.start)).map((c) => (isWide(c) ? '  ' : c === '\t' ? '\t' : ' ')).join('');
  const under = Array.from(text.slice(span.start, span.start + width)).map((c) => (isWide(c) ? '^^' : '^')).join('');
  return `  ${cutBefore}${source}${cutAfter}\n  ${pad}${under || '^'}`;
}

const SHOWN = 200;

/** The part of the line of `offset` shown under a fault: the whole line, or SHOWN characters around the offset. */
function shownPart(text: string, offset: number): { from: number; to: number } {
  let from = offset;
  while (from > 0 && text[from - 1] !== '\n' && offset - from < SHOWN / 4) from--;
  if (from > 0 && isLowSurrogate(text.charCodeAt(from)) && isHighSurrogate(text.charCodeAt(from - 1))) from--;
  let to = offset;
  while (to < text.length && text[to] !== '\n' && to - from < SHOWN) to++;
  if (to < text.length && isLowSurrogate(text.charCodeAt(to)) && isHighSurrogate(text.charCodeAt(to - 1))) to++;
  return { from, to };
}

const isWide = (c: string): boolean => /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u.test(c);

/** A query text that does not follow the grammar (query-language.md): where, what was expected, what may have been meant. */
export class QuerySyntaxError extends KumiwakeError {
  readonly line: number;
  readonly column: number;
  constructor(
    readonly text: string,
    readonly span: Span,
    readonly reason: string,
    readonly expected: readonly string[],
    readonly suggestions: readonly string[] = [],
    /** what the text is called in the message: `query`, or the file it came from */
    source = 'query',
  ) {
    const { line, column } = positionOf(text, span.start);
    const hints = [
      expected.length > 0 ? `expected ${expected.slice(0, 20).join(', ')}` : '',
      suggestions.length > 0 ? `did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '',
    ].filter((h) => h !== '');
    super('query-syntax', `${source}${source === 'query' ? ' ' : ':'}${line}:${column}: ${reason}${hints.length > 0 ? `; ${hints.join('; ')}` : ''}\n${caretLines(text, span)}`, 2);
    this.name = 'QuerySyntaxError';
    this.line = line;
    this.column = column;
  }
}

/** A fault of the definition a query makes, at the text it came from. */
export interface QueryFault extends Fault {
  readonly line: number;
  readonly column: number;
}

/** The definition a query makes breaks the definition's rules: the same faults as its JSON, each at its place in the text. */
export class QueryDefinitionError extends DefinitionError {
  constructor(readonly text: string, readonly queryFaults: readonly QueryFault[], spans: readonly Span[], source = 'query') {
    super(queryFaults);
    this.name = 'QueryDefinitionError';
    const at = (f: QueryFault) => `${source}${source === 'query' ? ' ' : ':'}${f.line}:${f.column}`;
    this.message = queryFaults.map((f, i) => `${at(f)}: ${f.path}: ${f.message}\n${caretLines(text, spans[i]!)}`).join('\n');
  }
}

/**
 * Conditions nested past the definition's limit, refused at the text that opens the level too
 * many, with the fault (code, JSON path, message) the definition's parser gives that condition.
 */
export function queryTooDeep(text: string, span: Span, path: string, source?: string): QueryDefinitionError {
  return new QueryDefinitionError(text, [{ code: 'too-deep', path, message: TOO_DEEP_MESSAGE, ...positionOf(text, span.start) }], [span], source);
}
