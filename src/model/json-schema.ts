import { z } from 'zod';
import { groupSchemas, leafSchemas } from './conditions/groups.js';
import type { Condition } from './segment.js';
import { definitionObject } from './parse.js';

/**
 * The JSON Schema (draft 2020-12) of a segment definition as a user writes it, made from the
 * schemas that parse it: every kind, its properties, their types and choices, which are required,
 * and no other property. What a schema cannot say (a field's operands follow the field's type, a
 * date range runs forwards, saved segments exist) is left to `parseDefinition`.
 */
export function definitionJsonSchema(): Record<string, unknown> {
  built ??= build();
  return structuredClone(built);
}

let built: Record<string, unknown> | undefined;

function build(): Record<string, unknown> {
  // The parser picks a condition's schema by its shape; a JSON Schema lists them.
  const condition: z.ZodType<Condition> = z
    .lazy(() => z.union([groups.all, groups.any, groups.not, ...Object.values(leafSchemas)]))
    .meta({ id: 'condition', description: 'a group (all, any, not) or a leaf with a kind' });
  const groups = groupSchemas(condition);
  const schema = z.toJSONSchema(definitionObject(condition), { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  return { ...schema, title: 'Kumiwake segment definition, version 1' };
}
