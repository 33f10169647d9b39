/**
 * The query language's round trip (issue 17): every definition the planner's property test
 * generates (test/reference/random-definitions.ts, every kind) prints to a text that parses back
 * to the same definition, and a canonical text prints back to itself.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQueryText } from '../../src/query/parser.js';
import { printQuery } from '../../src/query/query.js';
import { definition } from '../reference/random-definitions.js';

const parse = (text: string) => parseQueryText(text).definition;

describe('query round trip', () => {
  it('parse(print(d)) equals d, and print(parse(t)) is t, for thousands of random definitions', () => {
    fc.assert(
      fc.property(definition, (d) => {
        const text = printQuery(d);
        expect(parse(text)).toStrictEqual(d);
        expect(printQuery(parse(text))).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });
});
