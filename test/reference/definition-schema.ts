/**
 * The segment definition's JSON Schema seen as property paths, for tests that fail when a
 * property of the model has no counterpart (the query grammar, the builder's forms).
 */
import { definitionJsonSchema } from '../../src/model/json-schema.js';

export type Schema = { properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[]; additionalProperties?: unknown; const?: unknown };

/** Property paths of an object schema: `a`, `a.b`, through arrays of objects and unions (repeats possible). */
export function propertyPaths(schema: Schema, prefix = ''): string[] {
  const found: string[] = [];
  const branches = [schema, ...(schema.anyOf ?? []), ...(schema.items ? [schema.items] : [])];
  for (const branch of branches) {
    if (branch !== schema) {
      found.push(...propertyPaths(branch, prefix));
      continue;
    }
    for (const [key, sub] of Object.entries(branch.properties ?? {})) found.push(`${prefix}${key}`, ...propertyPaths(sub, `${prefix}${key}.`));
  }
  return found;
}

/** The document's own properties, and each leaf kind's schema. */
export function definitionSchema(): { readonly document: Record<string, Schema>; readonly leaves: ReadonlyArray<readonly [string, Schema]> } {
  const schema = definitionJsonSchema() as { properties: Record<string, Schema>; $defs: { condition: Schema } };
  const leaves = schema.$defs.condition.anyOf!.filter((s) => s.properties?.kind?.const !== undefined);
  return { document: schema.properties, leaves: leaves.map((l) => [String(l.properties!.kind!.const), l] as const) };
}
