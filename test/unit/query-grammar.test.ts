/**
 * Every kind and every property of the segment definition has a place in the query language:
 * the definition's JSON Schema (made from the zod schemas that parse it) is walked, and a kind or
 * property (nested ones included: `window.on`, `products.count.min`) the grammar's tables do not
 * write fails here, so a field added to the model later cannot be forgotten.
 */
import { describe, expect, it } from 'vitest';
import { definitionSchema, propertyPaths } from '../reference/definition-schema.js';
import { grammarPaths } from '../../src/query/grammar.js';

describe('query grammar covers the definition', () => {
  const { document, leaves } = definitionSchema();
  const grammar = grammarPaths();

  it('has every kind of the JSON Schema, and no other', () => {
    expect([...grammar.keys()].sort()).toEqual(leaves.map(([kind]) => kind).sort());
  });

  it.each(leaves)('writes every property of %s', (kind, leaf) => {
    const missing = [...new Set(propertyPaths(leaf))].filter((p) => !grammar.get(kind)?.has(p));
    expect(missing).toEqual([]);
  });

  it('writes the document\'s own properties (in the header)', () => {
    expect(Object.keys(document).sort()).toEqual(['description', 'includeDeleted', 'name', 'version', 'where']);
  });
});
