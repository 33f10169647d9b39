/**
 * Every property of the definition has a form control in the builder: the JSON Schema (made from
 * the zod schemas that parse it) is walked as query-grammar.test.ts walks it, and each kind's
 * property paths must be set in test/browser/full-leaves.ts, which the browser test
 * (new-forms.test.ts) loads into the page to find a control at each path. A property added to the
 * model later fails here until a form (and its example) covers it.
 */
import { describe, expect, it } from 'vitest';
import { definitionSchema, propertyPaths } from '../reference/definition-schema.js';
import { parseDefinition } from '../../src/model/validate.js';
import { DOCUMENT_WITHOUT_CONTROL, FULL_DOCUMENT, FULL_LEAVES, valuePaths } from '../browser/full-leaves.js';

describe('the builder\'s forms cover the definition', () => {
  const { document, leaves } = definitionSchema();

  it.each(leaves)('sets every property of %s in a form example', (kind, leaf) => {
    const examples = FULL_LEAVES.filter((l) => l.kind === kind);
    expect(examples.length, `no example of ${kind} in test/browser/full-leaves.ts`).toBeGreaterThan(0);
    const set = new Set(examples.flatMap((l) => valuePaths(l)));
    expect([...new Set(propertyPaths(leaf))].filter((p) => !set.has(p))).toEqual([]);
  });

  it('has a control for the document\'s own properties, but for the name, version and tree', () => {
    expect(Object.keys(document).filter((k) => !DOCUMENT_WITHOUT_CONTROL.includes(k)).sort()).toEqual(Object.keys(FULL_DOCUMENT).sort());
  });

  it('has examples the parser reads (so the page shows them without faults)', () => {
    const definition = { ...FULL_DOCUMENT, where: { all: FULL_LEAVES } };
    expect(() => parseDefinition(definition, { asOf: { y: 2026, m: 10, d: 31 }, lookupSegment: () => ({}) } as Parameters<typeof parseDefinition>[1])).not.toThrow();
  });
});
