import { customers } from '../catalog/tables.js';
import { at } from '../model/faults.js';
import { fieldNames, lookupField } from '../model/fields.js';
import { MAX_DEPTH } from '../model/validate.js';
import { suggest } from '../segments/suggest.js';
import { Cursor, under, type Built, type Step } from './cursor.js';
import { placeOf } from './places.js';
import { queryTooDeep } from './errors.js';
import { FIELD_OPS, KIND_ARGS, MAIL_VERBS, ORDER_FILTER_ARGS, PRODUCT_ROW_ARGS, PURCHASE_FIGURES, RANGE_KINDS, type ArgList, type Holds } from './grammar.js';
import type { Span, Token } from './tokenizer.js';

/** A definition read from a query, and the text each of its JSON paths came from. */
export interface ParsedQuery {
  readonly definition: Record<string, unknown>;
  /** the text a fault's JSON path came from, else that of the nearest path above it (places.ts `placeOf`) */
  readonly placeOf: (path: string) => Span;
}

const HEADER: ArgList = {
  named: [
    { name: 'version', key: 'version', type: 'scalar', holds: 'number' }, { name: 'name', key: 'name', type: 'scalar' },
    { name: 'description', key: 'description', type: 'scalar' }, { name: 'includeDeleted', key: 'includeDeleted', type: 'bool' },
  ],
};

/** Japanese names of customer fields that name one field only (性別 → gender). */
export const FIELD_ALIASES: ReadonlyMap<string, string> = (() => {
  const owners = new Map<string, Set<string>>();
  for (const column of customers.columns) for (const alias of column.aliases) (owners.get(alias) ?? owners.set(alias, new Set()).get(alias)!).add(column.name);
  return new Map([...owners].filter(([alias, names]) => names.size === 1 && /[^\x00-\x7f]/.test(alias)).map(([alias, names]) => [alias, [...names][0]!]));
})();

const CONDITION_WORDS = [...Object.keys(KIND_ARGS).filter((k) => k !== 'mail'), ...RANGE_KINDS, ...MAIL_VERBS.keys(), 'all', 'any', 'not'];

/** Reads a query (query-language.md) into the definition's JSON, keeping where each path was written. */
export function parseQueryText(text: string, source?: string): ParsedQuery {
  const built = new QueryParser(text, source).document();
  return { definition: built.value as Record<string, unknown>, placeOf: (path) => placeOf(built, path) };
}

class QueryParser extends Cursor {
  /** the levels of nesting open where the parser is (`not`, `(`, `all(`, `any(`) */
  private depth = 0;
  /** the JSON path of the condition being read, as far as the text has told it */
  private readonly path: Step[] = ['where'];

  document(): Built {
    const value: Record<string, unknown> = {};
    const spans: Built['spans'] = [{ steps: [], span: { start: 0, end: this.text.length } }];
    if (this.isPunct('{')) {
      this.next();
      const header = this.args(HEADER, '}');
      Object.assign(value, header.value);
      spans.push(...header.spans.slice(1));
    }
    if (this.peek().type !== 'eof') {
      const where = this.or();
      value.where = where.value;
      spans.push(...under(where, 'where'));
    }
    if (this.peek().type !== 'eof') {
      const t = this.peek();
      this.fail(`${this.describe()} is not expected here`, ['"and"', '"or"', 'the end of the query'], t.type === 'word' ? suggest(t.text, ['and', 'or']) : []);
    }
    return { value, spans };
  }

  private group(key: 'all' | 'any', items: Built[], span: Span): Built {
    return { value: { [key]: items.map((i) => i.value) }, spans: [{ steps: [], span }, ...items.flatMap((item, i) => under(item, key, i))] };
  }

  /**
   * Reads a level of nesting opened at `opening`, refused as soon as it passes the definition's
   * limit: reading on first (a tree 100,000 levels deep) took minutes, or overflowed the stack.
   */
  private nested<T>(opening: Token, read: () => T): T {
    if (this.depth >= MAX_DEPTH) throw queryTooDeep(this.text, opening.span, this.path.reduce<string>((p, step) => at(p, step), ''), this.source);
    this.depth++;
    try {
      return read();
    } finally {
      this.depth--;
    }
  }

  /** Reads the condition at `steps` below the one being read (its path, should it be too deep). */
  private within(steps: readonly Step[], read: () => Built): Built {
    this.path.push(...steps);
    try {
      return read();
    } finally {
      this.path.length -= steps.length;
    }
  }

  // The first condition of a chain is read before the `and` / `or` that makes the chain a group:
  // its path is the chain's own until then.
  private or(): Built {
    const start = this.peek().span.start;
    const items = [this.and()];
    while (this.isWord('or')) { this.next(); items.push(this.within(['any', items.length], () => this.and())); }
    return items.length === 1 ? items[0]! : this.group('any', items, { start, end: this.previousEnd() });
  }

  private and(): Built {
    const start = this.peek().span.start;
    const items = [this.unary()];
    while (this.isWord('and')) { this.next(); items.push(this.within(['all', items.length], () => this.unary())); }
    return items.length === 1 ? items[0]! : this.group('all', items, { start, end: this.previousEnd() });
  }

  private unary(): Built {
    const start = this.peek().span.start;
    if (!this.isWord('not')) return this.primary();
    const child = this.nested(this.next(), () => this.within(['not'], () => this.unary()));
    return { value: { not: child.value }, spans: [{ steps: [], span: { start, end: this.previousEnd() } }, ...under(child, 'not')] };
  }

  private primary(): Built {
    const t = this.peek();
    if (this.isPunct('(')) {
      const inner = this.nested(this.next(), () => this.or());
      this.expectPunct(')', ['"and"', '"or"']);
      return inner;
    }
    if ((this.isWord('all') || this.isWord('any')) && this.isPunct('(', 1)) {
      const key = this.next().text as 'all' | 'any';
      this.next();
      const items = this.nested(t, () => this.calledItems(key));
      return this.group(key, items, { start: t.span.start, end: this.previousEnd() });
    }
    if (t.type === 'string' || (t.type === 'word' && !['and', 'or'].includes(t.text))) return this.leaf();
    return this.fail(`${this.describe()} is not a condition`, ['a field', ...CONDITION_WORDS.map((w) => `"${w}"`), '"("']);
  }

  /** The conditions of `all(…)` / `any(…)`, up to the `)` (consumed). */
  private calledItems(key: 'all' | 'any'): Built[] {
    const items: Built[] = [];
    while (!this.isPunct(')')) {
      items.push(this.within([key, items.length], () => this.or()));
      if (!this.isPunct(')')) this.expectPunct(',', ['")"', '"and"', '"or"']);
    }
    this.next();
    return items;
  }

  private leaf(): Built {
    const t = this.peek();
    const start = t.span.start;
    const done = (value: Record<string, unknown>, spans: Built['spans']): Built => ({ value, spans: [{ steps: [], span: { start, end: this.previousEnd() } }, ...spans] });
    if (t.type === 'word' && RANGE_KINDS.has(t.text)) {
      this.next();
      const range = this.range(['min', 'max'], 'number');
      return done({ kind: t.text, ...(range.value as object) }, range.spans.slice(1));
    }
    if (t.type === 'word' && MAIL_VERBS.has(t.text) && this.isPunct('(', 1)) {
      this.next(); this.next();
      const args = this.args(KIND_ARGS.mail!, ')');
      const { mails, mailFilter, ...rest } = args.value as Record<string, unknown>;
      return done({ kind: 'mail', event: MAIL_VERBS.get(t.text), ...(mails !== undefined ? { mails } : {}), ...(mailFilter !== undefined ? { mailFilter } : {}), ...rest }, args.spans.slice(1));
    }
    if (t.type === 'word' && t.text === 'purchases' && (this.isPunct('(', 1) || this.isPunct('{', 1))) return this.purchases();
    if (t.type === 'word' && Object.hasOwn(KIND_ARGS, t.text) && t.text !== 'mail' && this.isPunct('(', 1)) {
      this.next(); this.next();
      const args = this.args(KIND_ARGS[t.text]!, ')');
      const value: Record<string, unknown> = { kind: t.text, ...(args.value as object) };
      const spans = args.spans.slice(1);
      if (t.text === 'subscription' && this.isCountStart()) {
        const count = this.range(['min', 'max'], 'number');
        value.count = count.value;
        spans.push(...under(count, 'count'));
      }
      return done(value, spans);
    }
    return this.field();
  }

  private isCountStart(): boolean {
    return this.isPunct('>=') || this.isPunct('<=') || this.isPunct('=') || this.isPunct('..') || (this.peek().type === 'number' && this.isPunct('..', 1));
  }

  private purchases(): Built {
    const start = this.next().span.start;
    const value: Record<string, unknown> = { kind: 'purchases' };
    const spans: Built['spans'] = [];
    if (this.isPunct('(')) {
      this.next();
      const scope = this.args(KIND_ARGS.purchases!, ')');
      Object.assign(value, scope.value);
      spans.push(...scope.spans.slice(1));
    }
    if (this.isPunct('{')) {
      this.next();
      const names = PURCHASE_FIGURES.map((f) => f.name);
      while (!this.isPunct('}')) {
        const t = this.peek();
        const figure = PURCHASE_FIGURES.find((f) => t.type === 'word' && (f.name === t.text || f.aliases?.includes(t.text)));
        if (!figure) this.unknownName('purchase figure', t, names);
        this.next();
        if (figure.form !== 'productRows' && Object.hasOwn(value, figure.key)) this.fail(`"${figure.name}" is given twice`, [], [], t);
        let built: Built;
        if (figure.form === 'numbers') built = this.range(['min', 'max'], 'number');
        else if (figure.form === 'dates') built = this.range(['from', 'to'], 'text');
        else if (figure.form === 'list') {
          if (!this.isWord('in')) this.fail(`${this.describe()} is not expected here`, ['"in"']);
          this.next();
          built = this.list('text');
        } else {
          this.expectPunct('(');
          const args = this.args(figure.form === 'orderFilter' ? ORDER_FILTER_ARGS : PRODUCT_ROW_ARGS, ')');
          if (figure.form === 'orderFilter') built = args;
          else {
            const count = this.range(['min', 'max'], 'number');
            const rows = (value.products ??= []) as unknown[];
            rows.push({ ...(args.value as object), count: count.value });
            spans.push(...under(args, 'products', rows.length - 1), ...under(count, 'products', rows.length - 1, 'count'));
            if (rows.length === 1) spans.push({ steps: ['products'], span: { start: t.span.start, end: this.previousEnd() } });
          }
        }
        if (figure.form !== 'productRows') {
          value[figure.key] = built!.value;
          spans.push(...under(built!, figure.key));
        }
        if (!this.isPunct('}')) {
          if (!this.isWord('and')) this.fail(`${this.describe()} is not expected here`, ['"and"', '"}"']);
          this.next();
        }
      }
      this.next();
    }
    return { value, spans: [{ steps: [], span: { start, end: this.previousEnd() } }, ...spans] };
  }

  private field(): Built {
    const t = this.next();
    const start = t.span.start;
    let name = t.text;
    if (t.type === 'word' && t.text === 'mail') this.fail('a mail condition is written with its event', ['"opened("', '"clicked("', '"sent("', '"scanned("'], [], t);
    if (t.type === 'word' && CONDITION_WORDS.includes(t.text) && !lookupField(t.text)) {
      this.fail(`${this.describe()} is not expected here: ${t.text} takes its arguments in parentheses`, [t.text === 'purchases' ? '"{"' : '"("', '"("'].filter((e, i, all) => all.indexOf(e) === i));
    }
    if (t.type === 'word') {
      name = FIELD_ALIASES.get(name) ?? name;
      if (!lookupField(name)) {
        const known = [...fieldNames(), ...FIELD_ALIASES.keys(), ...CONDITION_WORDS];
        this.unknownName(this.isPunct('(') ? 'condition' : 'field or condition', t, known, 'a field of the customers table (or attr:NAME), or a condition: age, tenure, birthday(…), tags(…), purchases(…), opened(…), clicked(…), sent(…), scanned(…), reachable(…), segment(…), rfm(…), subscription(…)');
      }
    }
    const value: Record<string, unknown> = { kind: 'field', field: name };
    const spans: Built['spans'] = [{ steps: ['field'], span: t.span }];
    const opStart = this.peek();
    const operand = (key: string, built: Built) => { value[key] = built.value; spans.push(...under(built, key)); };
    const one = (holds: Holds) => { const s = this.scalar(holds); return { value: s.value, spans: [{ steps: [], span: s.span }] } as Built; };
    const valuesHold = fieldValuesHold(name);
    if (this.isPunct('=')) { this.next(); value.op = 'eq'; operand('value', one(valuesHold)); }
    else if (this.isPunct('!=')) { this.next(); value.op = 'ne'; operand('value', one(valuesHold)); }
    else if (this.isPunct('~') || this.isWord('contains') || this.isWord('starts_with') || this.isWord('ends_with')) {
      const op = this.next().text;
      value.op = op === '~' ? 'contains' : op;
      operand('value', one('text'));
    } else if (this.isWord('in')) { this.next(); value.op = 'in'; operand('values', this.list(valuesHold)); }
    else if (this.isWord('not') && this.isWord('in', 1)) { this.next(); this.next(); value.op = 'not_in'; operand('values', this.list(valuesHold)); }
    else if (this.isWord('is')) {
      this.next();
      const negated = this.isWord('not') ? (this.next(), true) : false;
      if (!this.isWord('empty')) this.fail(`${this.describe()} is not expected here`, negated ? ['"empty"'] : ['"empty"', '"not empty"']);
      this.next();
      value.op = negated ? 'is_not_empty' : 'is_empty';
    } else if (this.isPunct('>=') || this.isPunct('<=') || this.isPunct('..') || (this.isScalarStart() && this.isPunct('..', 1))) {
      value.op = 'between';
      const range = this.range(['min', 'max'], fieldBoundsHold(name), false);
      Object.assign(value, range.value);
      spans.push(...range.spans.slice(1));
    } else {
      const ops = [...FIELD_OPS.values()].flat().map((o) => `"${o}"`);
      if (this.peek().type === 'word') this.unknownName('operator', this.peek(), [...FIELD_OPS.values()].flat().filter((o) => /^[a-z]/.test(o)));
      this.fail(`${this.describe()} is not an operator of the field "${name}"`, ops);
    }
    spans.push({ steps: ['op'], span: { start: opStart.span.start, end: this.previousEnd() } });
    if (this.isWord('loose')) {
      const looseAt = this.next();
      value.loose = this.isWord('true') || this.isWord('false') ? this.next().text === 'true' : true;
      spans.push({ steps: ['loose'], span: { start: looseAt.span.start, end: this.previousEnd() } });
    }
    return { value, spans: [{ steps: [], span: { start, end: this.previousEnd() } }, ...spans] };
  }
}

/**
 * What a field's values (`=`, `!=`, `in`) are: numbers for a number field (`points`), texts for
 * every other, as the definition compares them (a text, enum or date field; an attribute, whose
 * values it compares as texts; a name that is no field, which it refuses whatever its value).
 */
function fieldValuesHold(field: string): Holds {
  const type = lookupField(field)?.type;
  return type === 'integer' || type === 'decimal' ? 'number' : 'text';
}

/**
 * What a field's range bounds are: dates (texts) for a date field, numbers for every other a
 * range is for (a number field, `customer_id`'s member numbers, an attribute's numbers: its dates
 * are words such as 2024-01-31, never number-like).
 */
function fieldBoundsHold(field: string): Holds {
  const type = lookupField(field)?.type;
  return type === 'date' || type === 'timestamp' ? 'text' : 'number';
}

export type { Step };
