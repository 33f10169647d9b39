/**
 * Every kind and every property of the segment definition has a place in the query language:
 * the definition's JSON Schema (made from the zod schemas that parse it) is walked, and a kind or
 * property (nested ones included: `window.on`, `products.count.min`) the grammar's tables do not
 * write fails here, so a field added to the model later cannot be forgotten.
 */
import { describe, expect, it } from 'vitest';
import { definitionJsonSchema } from '../../src/model/json-schema.js';
import { grammarPaths } from '../../src/query/grammar.js';

type Schema = { properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; additionalProperties?: unknown; const?: unknown };

/** Property paths of an object schema: `a`, `a.b`, through arrays of objects and unions. */
function paths(schema: Schema, prefix = ''): string[] {
  const found: string[] = [];
  const branches = [schema, ...(schema.anyOf ?? []), ...(schema.items ? [schema.items] : [])];
  for (const branch of branches) {
    if (branch !== schema) { found.push(...paths(branch, prefix)); continue; }
    for (const [key, sub] of Object.entries(branch.properties ?? {})) {
      found.push(`${prefix}${key}`, ...paths(sub, `${prefix}${key}.`));
    }
  }
  return found;
}

describe('query grammar covers the definition', () => {
  const schema = definitionJsonSchema() as { properties: Record<string, Schema>; $defs: { condition: Schema } };
  const leaves = schema.$defs.condition.anyOf!.filter((s) => s.properties?.kind?.const !== undefined);
  const grammar = grammarPaths();

  it('has every kind of the JSON Schema, and no other', () => {
    expect([...grammar.keys()].sort()).toEqual(leaves.map((l) => String(l.properties!.kind!.const)).sort());
  });

  it.each(leaves.map((l) => [String(l.properties!.kind!.const), l] as const))('writes every property of %s', (kind, leaf) => {
    const missing = [...new Set(paths(leaf))].filter((p) => !grammar.get(kind)?.has(p));
    expect(missing).toEqual([]);
  });

  it('writes the document\'s own properties (in the header)', () => {
    expect(Object.keys(schema.properties).sort()).toEqual(['description', 'includeDeleted', 'name', 'version', 'where']);
  });
});
