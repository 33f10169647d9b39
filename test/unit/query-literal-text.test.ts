/**
 * The query keeps the text a user typed (query-language.md, "Words, values and comments"): a `#`
 * inside a word is a fault, not the start of a comment that cuts the word; a number-like word
 * where a text is expected is the characters typed (`1.10`, `1.0`, `1e3`, `007`), and a number
 * only where a number is expected. The printer writes such texts so that they read back the same.
 */
import { describe, expect, it } from 'vitest';
import { QuerySyntaxError } from '../../src/query/errors.js';
import { parseQueryText } from '../../src/query/parser.js';
import { parseQuery, printQuery } from '../../src/query/query.js';
import { validateDefinition } from '../../src/model/validate.js';

const asOf = { y: 2025, m: 3, d: 31 };
/** The condition a query makes, checked by the definition's parser. */
const where = (text: string) => parseQuery(text, { asOf }).where;
/** The condition a query makes, unchecked (for texts the definition refuses for its own reasons). */
const written = (text: string) => parseQueryText(text).definition.where;
const refusal = (text: string): QuerySyntaxError => {
  try {
    parseQueryText(text);
  } catch (e) {
    if (e instanceof QuerySyntaxError) return e;
    throw e;
  }
  throw new Error(`no fault for ${text}`);
};

describe('a "#" inside a word', () => {
  it('is a fault at the "#" that says to quote the text or space the comment', () => {
    const e = refusal('remark_1 ~ 注文#123');
    expect([e.span, e.line, e.column, e.code]).toEqual([{ start: 13, end: 14 }, 1, 14, 'query-syntax']);
    expect(e.reason).toBe('"#" inside a word: quote the text ("注文#123"), or put a space before a comment');
    expect(e.message).toBe('query 1:14: "#" inside a word: quote the text ("注文#123"), or put a space before a comment\n'
      + '  remark_1 ~ 注文#123\n'
      + '                 ^');
  });

  it('is a fault whatever the word: a text, a number, a range\'s end', () => {
    expect([refusal('name = a#b').span, refusal('name = a#b').reason]).toEqual([{ start: 8, end: 9 }, '"#" inside a word: quote the text ("a#b"), or put a space before a comment']);
    const range = refusal('age 20..29#and age 30..39');
    expect([range.span, range.reason]).toEqual([{ start: 10, end: 11 }, '"#" inside a word: quote the text ("29#and"), or put a space before a comment']);
    expect(refusal('tags(vip#1, a.b#c.d)').reason).toBe('"#" inside a word: quote the text ("vip#1"), or put a space before a comment');
    expect(refusal('tags(x, a.b#c.d##e)').reason).toBe('"#" inside a word: quote the text ("a.b#c.d##e"), or put a space before a comment');
  });

  it('is a fault right after a quoted text or a mark', () => {
    const quoted = refusal('name = "a"#b');
    expect([quoted.span, quoted.reason]).toEqual([{ start: 10, end: 11 }, '"#" right after a quoted text: put a space before a comment, or put the "#" inside the quotes']);
    const mark = refusal('tags(vip)#b');
    expect([mark.span, mark.reason]).toEqual([{ start: 9, end: 10 }, '"#" right after ")": put a space before a comment']);
    expect(refusal('age >=#1').reason).toBe('"#" right after ">=": put a space before a comment');
  });

  it('is kept in a quoted text', () => {
    expect(where('remark_1 ~ "注文#123"')).toEqual({ kind: 'field', field: 'remark_1', op: 'contains', value: '注文#123' });
    expect(where('name = "a#b"')).toEqual({ kind: 'field', field: 'name', op: 'eq', value: 'a#b' });
  });
});

describe('comments', () => {
  it('start at the start of the text or after a space, and run to the end of the line', () => {
    expect(where('age 20..29  # twenties')).toEqual({ kind: 'age', min: 20, max: 29 });
    expect(where('# the twenties\nage 20..29')).toEqual({ kind: 'age', min: 20, max: 29 });
    expect(where('age 20..29 #and age 30..39\nand tenure <= 30')).toEqual({ all: [{ kind: 'age', min: 20, max: 29 }, { kind: 'tenure', max: 30 }] });
    expect(where('tags(vip,\t# the best\n  newsletter)\u3000# 全角スペースの後')).toEqual({ kind: 'tags', tags: ['vip', 'newsletter'] });
    expect(where('age 20..29 # a # b #c#d')).toEqual({ kind: 'age', min: 20, max: 29 });
    expect(parseQueryText('#').definition).toEqual({});
  });
});

describe('a number-like word where a text is expected', () => {
  it('is the text as typed', () => {
    expect(where('remark_1 = 1.10')).toEqual({ kind: 'field', field: 'remark_1', op: 'eq', value: '1.10' });
    expect(where('customer_id = 1.0')).toEqual({ kind: 'field', field: 'customer_id', op: 'eq', value: '1.0' });
    expect(where('purchases { bought(1e3) >= 1 }')).toEqual({ kind: 'purchases', products: [{ products: ['1e3'], count: { min: 1 } }] });
    expect(where('customer_id = 007')).toEqual({ kind: 'field', field: 'customer_id', op: 'eq', value: '007' });
    expect(where('purchases { bought(00123) >= 1 }')).toEqual({ kind: 'purchases', products: [{ products: ['00123'], count: { min: 1 } }] });
    expect(where('customer_id = 12345678901234567890')).toEqual({ kind: 'field', field: 'customer_id', op: 'eq', value: '12345678901234567890' });
  });

  it('is the text as typed in every text place: values, lists, codes, mails, categories, tags, names', () => {
    expect(written('customer_id in (1.0, 1e3, -0.50) or remark_1 != 1E2 or attr:会員番号 = 1.10 or registered_at != 2.0')).toEqual({
      any: [
        { kind: 'field', field: 'customer_id', op: 'in', values: ['1.0', '1e3', '-0.50'] },
        { kind: 'field', field: 'remark_1', op: 'ne', value: '1E2' },
        { kind: 'field', field: 'attr:会員番号', op: 'eq', value: '1.10' },
        { kind: 'field', field: 'registered_at', op: 'ne', value: '2.0' },
      ],
    });
    expect(written('name ~ 1.0 and name starts_with 1e0 and points ~ 1.0')).toEqual({
      all: [
        { kind: 'field', field: 'name', op: 'contains', value: '1.0' },
        { kind: 'field', field: 'name', op: 'starts_with', value: '1e0' },
        { kind: 'field', field: 'points', op: 'contains', value: '1.0' },
      ],
    });
    expect(written('tags(1.10, 1e3) and tags(tags: 2.0) and segment(1.0) and reachable(1e0)')).toEqual({
      all: [{ kind: 'tags', tags: ['1.10', '1e3'] }, { kind: 'tags', tags: ['2.0'] }, { kind: 'segment', name: '1.0' }, { kind: 'reachable', channel: '1e0' }],
    });
    expect(where('purchases(stores: (1.0, 010), statuses: 2.50, media: 1e1, orderCodes: 1.0..2.0, groups: { 1.0: (2.50, 3) }) '
      + '{ lastOrderProducts in (1.0) and lastOrder(stores: 1.0, products: 1e3, remark: 1.10) and bought(category: 1.0, remarkContains: 2.0) = 0 }')).toEqual({
      kind: 'purchases', stores: ['1.0', '010'], statuses: ['2.50'], media: ['1e1'], orderCodes: { min: '1.0', max: '2.0' }, groups: { '1.0': ['2.50', 3] },
      lastOrderProducts: ['1.0'], lastOrder: { stores: ['1.0'], products: ['1e3'], remarkContains: '1.10' },
      products: [{ categories: ['1.0'], remarkContains: '2.0', count: { min: 0, max: 0 } }],
    });
    expect(written('opened(1.50, 1e3, subject ~ 1.10, subkinds: 1.0, stores: 2.0) and subscription(products: 1e3, status: 1.0, cancelReasons: 2.0)')).toEqual({
      all: [
        { kind: 'mail', event: 'open', mails: ['1.50', '1e3'], mailFilter: { subjectContains: '1.10', subkinds: ['1.0'], stores: ['2.0'] } },
        { kind: 'subscription', products: ['1e3'], status: ['1.0'], cancelReasons: ['2.0'] },
      ],
    });
    expect(parseQueryText('{ name: 1.10, description: 1e3 }').definition).toEqual({ name: '1.10', description: '1e3' });
  });

  it('is a number when written as the canonical text writes that number, which the definition reads as the same text', () => {
    expect(where('purchases(stores: 100) { bought(1.5, -3) >= 1 }')).toEqual({ kind: 'purchases', stores: [100], products: [{ products: [1.5, -3], count: { min: 1 } }] });
    expect(where('remark_1 = 1.5')).toEqual({ kind: 'field', field: 'remark_1', op: 'eq', value: 1.5 });
  });
});

describe('a number-like word where a number is expected', () => {
  it('is the number, however written', () => {
    expect(where('age 2e1..2.9e1 and tenure <= 30.0')).toEqual({ all: [{ kind: 'age', min: 20, max: 29 }, { kind: 'tenure', max: 30 }] });
    expect(where('purchases { orders >= 1e0 and sales 1.0e3..5000.00 and bought(P1) = 2.0 }')).toEqual({
      kind: 'purchases', orderCount: { min: 1 }, sales: { min: 1000, max: 5000 }, products: [{ products: ['P1'], count: { min: 2, max: 2 } }],
    });
    expect(where('subscription(deliveries: 2.0..) >= 1.0 and rfm(r: 4.0..5, f: 1e0..3) and birthday(month: 12.0)')).toEqual({
      all: [{ kind: 'subscription', deliveries: { min: 2 }, count: { min: 1 } }, { kind: 'rfm', r: [4, 5], f: [1, 3] }, { kind: 'birthday', month: 12 }],
    });
    expect(parseQueryText('{ version: 1.0 }').definition).toEqual({ version: 1 });
  });

  it('is the number in a number field and in a range of member numbers or of an attribute', () => {
    expect(where('points = 1.0 or points in (1e2, 2.50) or points 1e2..5e2 or customer_id 1.0..1e2 or attr:購入回数 >= 3.0')).toEqual({
      any: [
        { kind: 'field', field: 'points', op: 'eq', value: 1 },
        { kind: 'field', field: 'points', op: 'in', values: [100, 2.5] },
        { kind: 'field', field: 'points', op: 'between', min: 100, max: 500 },
        { kind: 'field', field: 'customer_id', op: 'between', min: 1, max: 100 },
        { kind: 'field', field: 'attr:購入回数', op: 'between', min: 3 },
      ],
    });
  });

  it('stays a text in a range of dates (where it is no date)', () => {
    expect(written('registered_at 1.0..2.0')).toEqual({ kind: 'field', field: 'registered_at', op: 'between', min: '1.0', max: '2.0' });
  });
});

describe('printing texts that look like numbers or hold a "#"', () => {
  const texts = ['1.10', '007', '1e3', 'a#b', '注文#123', '#x', '100', '1.0', '-0', '12345678901234567890', '00123'];

  it('quotes them where they would read otherwise, and they read back the same', () => {
    expect(printQuery({ where: { kind: 'field', field: 'remark_1', op: 'eq', value: '1.10' } })).toBe('remark_1 = "1.10"');
    expect(printQuery({ where: { kind: 'purchases', products: [{ products: ['1e3', '00123'], count: { min: 1 } }] } })).toBe('purchases { bought("1e3", 00123) >= 1 }');
    expect(printQuery({ where: { kind: 'field', field: 'name', op: 'eq', value: 'a#b' } })).toBe('name = "a#b"');
    expect(printQuery({ where: { kind: 'field', field: 'customer_id', op: 'eq', value: '007' } })).toBe('customer_id = 007');
  });

  it.each(texts)('%s reads back the same in every text place', (text) => {
    const definition = {
      name: text, description: text,
      where: {
        all: [
          { kind: 'field', field: 'remark_1', op: 'eq', value: text },
          { kind: 'field', field: 'customer_id', op: 'in', values: [text, 1.5] },
          { kind: 'field', field: 'registered_at', op: 'between', min: text, max: text },
          { kind: 'field', field: 'points', op: 'between', min: text },
          { kind: 'tags', tags: [text] },
          { kind: 'segment', name: text },
          {
            kind: 'purchases', stores: [text, 100], orderCodes: { min: text }, groups: { [text]: [text] }, lastOrderProducts: [text],
            lastOrder: { remarkContains: text }, products: [{ products: [text], categories: [text], count: { min: 1 } }],
          },
          { kind: 'mail', event: 'open', mails: [text], mailFilter: { subjectContains: text, stores: [text] } },
          { kind: 'subscription', products: [text], cancelReasons: [text] },
        ],
      },
    };
    const printed = printQuery(definition);
    expect(parseQueryText(printed).definition).toStrictEqual(definition);
    expect(printQuery(parseQueryText(printed).definition)).toBe(printed);
  });

  it('a number in a text place prints and reads back as that number', () => {
    const definition = { where: { kind: 'tags', tags: [100, 1.5, -0, 1e21, 5e-324, -1.5] } };
    expect(printQuery(definition)).toBe('tags(100, 1.5, -0, 1e+21, 5e-324, -1.5)');
    expect(parseQueryText(printQuery(definition)).definition).toStrictEqual(definition);
  });
});

describe('a saved segment named by a number', () => {
  it('is found by segment(2024), as in every text place a number is its text', () => {
    const saved = { version: 1, name: '2024', where: { kind: 'reachable', channel: 'email' } };
    const lookupSegment = (name: string) => (name === '2024' ? saved : undefined);
    const definition = parseQueryText('segment(2024)').definition;
    expect(definition.where).toEqual({ kind: 'segment', name: 2024 });
    expect(validateDefinition(definition, { asOf, lookupSegment }).where).toMatchObject({ kind: 'segment', name: '2024', definition: { where: { kind: 'reachable' } } });
    expect(() => validateDefinition(parseQueryText('segment(2025)').definition, { asOf, lookupSegment })).toThrow(/there is no saved segment "2025"/);
  });
});

describe('an argument listed and named too', () => {
  it('is given twice, whichever comes first, instead of one replacing the other', () => {
    expect(refusal('tags(vip, tags: new)').message).toMatch(/"tags" is given twice/);
    expect(refusal('tags(tags: new, vip)').message).toMatch(/"tags" is given twice/);
    expect(written('tags(vip, new, match: all)')).toEqual({ kind: 'tags', tags: ['vip', 'new'], match: 'all' });
  });
});
