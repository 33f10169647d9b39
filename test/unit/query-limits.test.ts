/**
 * Queries built to hurt (the web server reads them on its one thread, /api/query/parse): a text of
 * any shape is read in time about linear in its length, and nesting past the definition's limit is
 * refused as soon as the parser reaches it, never by a stack overflow. No test here is timed: each
 * input took minutes, or overflowed the stack, before the parser was fixed.
 */
import { describe, expect, it } from 'vitest';
import { parseQuery } from '../../src/query/query.js';

const asOf = { y: 2025, m: 3, d: 31 };
const values = (n: number, word = (i: number) => `v${i}`) => Array.from({ length: n }, (_, i) => word(i));

describe('reading a long query', () => {
  it('reads a list of 100,000 values (each word once copied the rest of the text: minutes)', () => {
    const tags = values(100_000);
    expect(parseQuery(`tags(${tags.join(', ')})`, { asOf }).where).toEqual({ kind: 'tags', tags });
  });
});
