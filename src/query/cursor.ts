import { suggest } from '../segments/suggest.js';
import { holdsOf, MAIL_FILTER_ARGS, type Arg, type ArgList, type Holds } from './grammar.js';
import { QuerySyntaxError } from './errors.js';
import { numberText, tokenize, type Span, type Token } from './tokenizer.js';

import { ownSpan, under, type Built } from './places.js';

export { under, type Built, type Step } from './places.js';

type Scalar = string | number | boolean;
type Obj = Record<string, unknown>;

/**
 * What a bare number (a word that is a JSON number) stands for. Where a number is expected, that
 * number, however written (`1e3` is 1000). Where a text is expected, the characters typed: as a
 * number they would be lost (`1.10` would be 1.1, `1e3` 1000, a member number past 2^53 other
 * digits). Only a number written as the canonical text writes it (`100`, `1.5`) stays a number
 * there: the definition reads a number in a text place as that very text, and a number a
 * definition holds in a text place then prints and reads back as a number.
 */
export function bareNumber(written: string, holds: Holds): number | string {
  const n = Number(written);
  return holds === 'number' || numberText(n) === written ? n : written;
}

/** What tells two arguments apart in a definition: their key, under the mail filter or not. */
const argId = (arg: Arg): string => `${arg.inFilter ? 'mailFilter.' : ''}${arg.key}`;

/** Tokens, one at a time, and the values every kind shares (texts, lists, ranges, arguments). */
export class Cursor {
  private readonly tokens: Token[];
  private index = 0;

  constructor(readonly text: string, readonly source?: string) {
    this.tokens = tokenize(text, source);
  }

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  next(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.index++;
    return token;
  }

  isPunct(mark: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'punct' && t.text === mark;
  }

  isWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'word' && t.text === word;
  }

  /** A fault at the next token (or `token`). */
  fail(reason: string, expected: readonly string[], suggestions: readonly string[] = [], token = this.peek()): never {
    throw new QuerySyntaxError(this.text, token.span, reason, expected, suggestions, this.source);
  }

  describe(token = this.peek()): string {
    if (token.type === 'eof') return 'the end of the query';
    return token.type === 'string' ? `the text ${JSON.stringify(token.text)}` : `"${token.text}"`;
  }

  expectPunct(mark: string, also: readonly string[] = []): Token {
    if (!this.isPunct(mark)) this.fail(`${this.describe()} is not expected here`, [`"${mark}"`, ...also]);
    return this.next();
  }

  /** Unknown name: say which names there are and the nearest ones. */
  unknownName(what: string, token: Token, names: readonly string[], described?: string): never {
    this.fail(`unknown ${what} "${token.text}"`, described !== undefined ? [described] : names.map((n) => `"${n}"`), suggest(token.text, names), token);
  }

  isScalarStart(ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'number' || t.type === 'string' || (t.type === 'word' && t.text !== 'and' && t.text !== 'or');
  }

  /** A text, number or true/false; a bare number as what the place `holds` (`bareNumber`). */
  scalar(holds: Holds, what = 'a value'): { value: Scalar; span: Span } {
    if (!this.isScalarStart()) this.fail(`${this.describe()} is not ${what}`, [what]);
    const t = this.next();
    const value = t.type === 'number' ? bareNumber(t.text, holds) : t.type === 'word' && (t.text === 'true' || t.text === 'false') ? t.text === 'true' : t.text;
    return { value, span: t.span };
  }

  /** `(a, b, …)` (possibly empty) or one value. */
  list(holds: Holds): Built {
    const start = this.peek().span.start;
    if (!this.isPunct('(')) {
      const one = this.scalar(holds, 'a value or a list "(a, b)"');
      return { value: [one.value], spans: [{ steps: [], span: one.span }, { steps: [0], span: one.span }] };
    }
    this.next();
    const values: Scalar[] = [];
    const spans: Built['spans'] = [];
    while (!this.isPunct(')')) {
      const one = this.scalar(holds, 'a value of the list');
      spans.push({ steps: [values.length], span: one.span });
      values.push(one.value);
      if (!this.isPunct(')')) this.expectPunct(',', ['")"']);
    }
    const end = this.next().span.end;
    return { value: values, spans: [{ steps: [], span: { start, end } }, ...spans] };
  }

  /** `lo..hi`, `lo..`, `..hi`, `..`, `>= lo`, `<= hi`, or (with `equals`) `= v`, into `{[lo]: …, [hi]: …}`. */
  range(keys: readonly [string, string], holds: Holds, equals = true): Built {
    const start = this.peek().span.start;
    const value: Obj = {};
    const spans: Built['spans'] = [];
    const put = (key: string, one: { value: Scalar; span: Span }) => {
      value[key] = one.value;
      spans.push({ steps: [key], span: one.span });
    };
    if (this.isPunct('>=')) { this.next(); put(keys[0], this.scalar(holds)); }
    else if (this.isPunct('<=')) { this.next(); put(keys[1], this.scalar(holds)); }
    else if (equals && this.isPunct('=')) { this.next(); const one = this.scalar(holds); put(keys[0], one); put(keys[1], one); }
    else {
      if (!this.isPunct('..')) {
        if (!this.isScalarStart() || !this.isPunct('..', 1)) this.fail(`${this.describe()} is not a range`, ['"a..b"', '"a.."', '"..b"', '">= a"', '"<= b"', ...(equals ? ['"= a"'] : [])]);
        put(keys[0], this.scalar(holds));
      }
      this.expectPunct('..');
      if (this.isScalarStart() && !this.isWord('on') && !this.isWord('loose')) put(keys[1], this.scalar(holds));
    }
    return { value, spans: [{ steps: [], span: { start, end: this.previousEnd() } }, ...spans] };
  }

  previousEnd(): number {
    return this.tokens[Math.max(0, this.index - 1)]!.span.end;
  }

  /** The value of the argument `arg`, of its type, holding what it holds. */
  argValue(arg: Arg): Built {
    const start = this.peek().span.start;
    const holds = holdsOf(arg);
    const whole = (value: unknown, spans: Built['spans'] = []): Built => ({ value, spans: [{ steps: [], span: { start, end: this.previousEnd() } }, ...spans] });
    switch (arg.type) {
      case 'scalar': return whole(this.scalar(holds).value);
      case 'list': return this.list(holds);
      case 'bool': {
        if (!this.isWord('true') && !this.isWord('false')) this.fail(`${this.describe()} is not true or false`, ['"true"', '"false"']);
        return whole(this.next().text === 'true');
      }
      case 'dates': return this.range(['from', 'to'], 'text');
      case 'bounds': return this.range(['min', 'max'], holds);
      case 'window': {
        const range = this.range(['from', 'to'], 'text');
        if (!this.isWord('on')) return range;
        this.next();
        const on = this.scalar('text', '"ordered" or "shipped"');
        return whole({ ...(range.value as Obj), on: on.value }, [...range.spans.slice(1), { steps: ['on'], span: on.span }]);
      }
      case 'pair': {
        const lo = this.scalar(holds, 'a score');
        this.expectPunct('..');
        const hi = this.scalar(holds, 'a score');
        return whole([lo.value, hi.value], [{ steps: [0], span: lo.span }, { steps: [1], span: hi.span }]);
      }
      case 'groups': {
        this.expectPunct('{');
        const value: Obj = {};
        const spans: Built['spans'] = [];
        while (!this.isPunct('}')) {
          const key = this.scalar('text', 'an order group name');
          if (Object.hasOwn(value, String(key.value))) this.fail(`the group "${String(key.value)}" is given twice`, []);
          this.expectPunct(':');
          const values = this.list('text');
          Object.defineProperty(value, String(key.value), { value: values.value, enumerable: true, writable: true, configurable: true });
          spans.push(...under(values, String(key.value)));
          if (!this.isPunct('}')) this.expectPunct(',', ['"}"']);
        }
        this.next();
        return whole(value, spans);
      }
      case 'mailFilter': {
        this.expectPunct('{');
        const inner = this.args(MAIL_FILTER_ARGS, '}');
        return whole(inner.value, inner.spans.slice(1));
      }
    }
  }

  /** `positional, …, name: value, …` up to `close` (consumed); arguments of the mail filter go under `mailFilter`. */
  args(list: ArgList, close: ')' | '}'): Built {
    const start = this.peek().span.start;
    const value: Obj = {};
    const spans: Built['spans'] = [];
    const names = list.named.flatMap((a) => [a.name]);
    const seen = new Set<string>();
    // Values listed before the names (`tags(a, b, …)`) are the positional argument given once:
    // the same argument named as well (`tags(a, tags: b)`) is given twice, not one replacing the other.
    let listed = false;
    while (!this.isPunct(close)) {
      const t = this.peek();
      const named = (t.type === 'word' || t.type === 'string') && (this.isPunct(':', 1) || this.isPunct('~', 1));
      if (named) {
        const found = list.named.find((a) => a.name === t.text || a.aliases?.includes(t.text));
        if (!found) this.unknownName('argument', t, names);
        this.next();
        const mark = this.next();
        if (mark.text === '~' && !found.tilde) this.fail(`"${found.name}" is given with ":"`, ['":"'], [], mark);
        this.put(value, spans, found, seen, this.argValue(found), t);
      } else {
        const positional = list.positional;
        if (!positional) this.fail(`${this.describe()} is not expected here`, [...names.map((n) => `"${n}:"`), `"${close}"`]);
        if (positional.type === 'list') {
          if (!listed && seen.has(argId(positional))) this.fail(`"${positional.name}" is given twice`, [], [], t);
          listed = true;
          seen.add(argId(positional));
          const one = this.scalar(holdsOf(positional), `a value of ${positional.name}`);
          const target = (value[positional.key] ??= []) as Scalar[];
          if (target.length === 0) spans.push({ steps: [positional.key], span: one.span });
          spans.push({ steps: [positional.key, target.length], span: one.span });
          target.push(one.value);
        } else {
          this.put(value, spans, positional, seen, this.argValue(positional), t);
        }
      }
      if (!this.isPunct(close)) this.expectPunct(',', [`"${close}"`]);
    }
    const end = this.next().span.end;
    return { value, spans: [{ steps: [], span: { start, end } }, ...spans] };
  }

  private put(value: Obj, spans: Built['spans'], arg: Arg, seen: Set<string>, built: Built, at: Token): void {
    const id = argId(arg);
    if (seen.has(id)) this.fail(`"${arg.name}" is given twice`, [], [], at);
    seen.add(id);
    if (arg.ends) {
      Object.assign(value, built.value);
      spans.push(...built.spans.filter((s) => s.steps.length > 0));
    } else if (arg.type === 'mailFilter') {
      value.mailFilter = { ...(value.mailFilter as Obj | undefined), ...(built.value as Obj) };
      spans.push(...under(built, 'mailFilter'));
    } else if (arg.inFilter) {
      const filter = (value.mailFilter ??= {}) as Obj;
      filter[arg.key] = built.value;
      spans.push({ steps: ['mailFilter'], span: ownSpan(built) }, ...under(built, 'mailFilter', arg.key));
    } else {
      value[arg.key] = built.value;
      spans.push(...under(built, arg.key));
    }
  }
}

