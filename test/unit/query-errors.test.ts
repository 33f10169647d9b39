/**
 * Faults of a query a person can act on (issue 17): line and column, a caret under the fault, the
 * expected tokens, the nearest field / keyword / argument; then the definition's own faults (the
 * JSON's codes and paths) at the text they came from.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueryDefinitionError, QuerySyntaxError } from '../../src/query/errors.js';
import { parseQuery, printQuery } from '../../src/query/query.js';
import { definition } from '../reference/random-definitions.js';

const fault = (text: string): QuerySyntaxError | QueryDefinitionError => {
  try {
    parseQuery(text, { asOf: { y: 2025, m: 3, d: 31 } });
  } catch (e) {
    if (e instanceof QuerySyntaxError || e instanceof QueryDefinitionError) return e;
    throw e;
  }
  throw new Error(`no fault for ${text}`);
};
const syntax = (text: string) => {
  const e = fault(text);
  if (!(e instanceof QuerySyntaxError)) throw new Error(`a definition fault, not a syntax fault: ${e.message}`);
  return e;
};

describe('query syntax faults', () => {
  it('give the line and column, and a caret under the fault on its line', () => {
    const e = syntax('age 20..29\n  and purchases { ordrs >= 1 }');
    expect([e.line, e.column, e.code, e.exitCode]).toEqual([2, 19, 'query-syntax', 2]);
    expect(e.message).toBe('query 2:19: unknown purchase figure "ordrs"; expected "orders", "sales", "firstOrderedAt", "lastOrderedAt", "lastShippedAt", "firstOrderProducts", "lastOrderProducts", "lastOrder", "firstOrder", "bought"; did you mean "orders"?\n'
      + '    and purchases { ordrs >= 1 }\n'
      + '                    ^^^^^');
  });

  it('suggest the nearest field, condition, argument and keyword', () => {
    expect(syntax('gendr = female').suggestions).toEqual(['gender']);
    expect(syntax('opend(M1, M2)').suggestions).toEqual(['opened']);
    expect(syntax('purchses { orders >= 1 }').suggestions).toEqual(['purchases']);
    expect(syntax('purchases(windw: today-90d..) { orders >= 1 }').suggestions).toEqual(['window']);
    expect(syntax('age >= 20 ans tags(vip)').suggestions).toEqual(['and']);
  });

  it('list the tokens expected where the text stops making sense', () => {
    expect(syntax('tags(vip, match: all').expected).toEqual(['","', '")"']);
    expect(syntax('purchases { orders >= 1 or sales >= 1 }').expected).toEqual(['"and"', '"}"']);
    expect(syntax('age 20..29 and').expected).toContain('"purchases"');
    expect(syntax('points').expected).toEqual(expect.arrayContaining(['"="', '"in"', '"not in"', '"is empty"', '">="']));
    expect(syntax('name = "abc').message).toMatch(/^query 1:8: a string is not closed/);
  });

  it('name the likely slip: > for >=, full-width brackets, curly quotes', () => {
    expect(syntax('purchases { orders > 2 }').message).toMatch(/^query 1:20: ">" is not an operator: ranges include their ends, write >=/);
    expect(syntax('tags（vip）').message).toMatch(/^query 1:5: unexpected full-width "（": write the half-width "\("/);
    expect(syntax('name = “山田”').message).toMatch(/^query 1:8: unexpected "“": quote texts with the straight double quote/);
  });

  it('put the caret under wide (Japanese) characters at their terminal width', () => {
    const e = syntax('性別 = 女性 および age >= 20');
    expect([e.line, e.column]).toEqual([1, 9]);
    expect(e.message.split('\n').slice(1)).toEqual(['  性別 = 女性 および age >= 20', '              ^^^^^^']);
  });
});

describe('definition faults of a query', () => {
  it('are the JSON faults, each at the text its path came from', () => {
    const e = fault('age 20..29 and\npurchases(stores: ()) { orders 3..1 }');
    expect(e).toBeInstanceOf(QueryDefinitionError);
    const faults = (e as QueryDefinitionError).queryFaults;
    expect(faults.map((f) => [f.code, f.path, f.line, f.column])).toEqual([
      ['empty-list', 'where.all[1].stores', 2, 19],
      ['min-greater-than-max', 'where.all[1].orderCount', 2, 32],
    ]);
    expect(e.message).toContain('query 2:32: where.all[1].orderCount: min 3 is greater than max 1\n  purchases(stores: ()) { orders 3..1 }\n                                 ^^^^');
  });

  it('map a value to its own text: an enum spelling, a month, a date', () => {
    const spelling = fault('gender in (female, 男の子)') as QueryDefinitionError;
    expect(spelling.queryFaults.map((f) => [f.code, f.path, f.column])).toEqual([['unknown-enum-value', 'where.values[1]', 20]]);
    const month = fault('birthday(month: 13)') as QueryDefinitionError;
    expect(month.queryFaults.map((f) => [f.code, f.column])).toEqual([['not-a-month', 17]]);
    const date = fault('registered_at >= 2023-02-29') as QueryDefinitionError;
    expect(date.queryFaults.map((f) => [f.code, f.path, f.column])).toEqual([['not-a-date', 'where.min', 18]]);
  });
});

describe('any text', () => {
  const tokens = ['and', 'or', 'not', '(', ')', '{', '}', ',', ':', '..', '>=', '<=', '=', '!=', '~', 'in', 'is', 'empty', 'loose', 'on', 'all', 'any',
    'age', 'tags', 'purchases', 'opened', 'bought', 'orders', 'window', 'stores', 'gender', 'name', 'attr:x', 'birthday', 'rfm', 'r', 'segment',
    '"x"', '"', '1', '-2', '3.5', 'today-30d', '2024-02-30', 'true', '__proto__', 'constructor', '性別', '\n', '#', '≈'];
  const check = (text: string) => {
    try {
      parseQuery(text, { asOf: { y: 2025, m: 3, d: 31 } });
    } catch (e) {
      expect(e instanceof QuerySyntaxError || e instanceof QueryDefinitionError, String((e as Error).stack)).toBe(true);
      expect((e as Error).message).toMatch(/^query \d+:\d+: /);
    }
  };

  it('made of the language\'s tokens is a definition or a fault with a position, never another error', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...tokens), { maxLength: 14 }).map((t) => t.join(' ')), check), { numRuns: 3000 });
  }, 60_000);

  it('made by cutting or adding a character in a canonical text is a definition or a fault with a position', () => {
    const edited = fc.tuple(definition.map((d) => printQuery(d)), fc.nat(), fc.constantFrom('', '(', ')', '"', ',', '..', 'x', ' ', '{'))
      .map(([text, at, insert]) => { const i = at % (text.length + 1); return text.slice(0, i) + insert + text.slice(i + (insert === '' ? 1 : 0)); });
    fc.assert(fc.property(edited, check), { numRuns: 1000 });
  }, 60_000);
});
