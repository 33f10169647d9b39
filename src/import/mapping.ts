import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { KumiwakeError } from '../errors.js';

/**
 * A mapping file adapts a shop's own export to a canonical table without editing the file:
 *
 *   {
 *     "columns": { "InvoiceNo": "order_id", "Country": "group:country", "Memo": null },
 *     "skipIfEmpty": ["customer_id"],
 *     "rules": [ { "when": { "column": "order_id", "startsWith": "C" }, "set": { "status": "cancelled" } } ]
 *   }
 *
 * `columns` renames headers (null ignores the column); `skipIfEmpty` drops rows whose column is
 * empty (counted as skipped, not rejected); `rules` set a column's raw value on matching rows,
 * before the value is read by its type.
 */
const condition = z
  .object({
    column: z.string().min(1),
    startsWith: z.string().optional(),
    equals: z.string().optional(),
    isEmpty: z.boolean().optional(),
  })
  .strict();

const mappingSchema = z
  .object({
    columns: z.record(z.string(), z.string().nullable()).default({}),
    skipIfEmpty: z.array(z.string().min(1)).default([]),
    rules: z
      .array(z.object({ when: condition, set: z.record(z.string(), z.string()) }).strict())
      .default([]),
  })
  .strict();

export type Mapping = z.infer<typeof mappingSchema>;
export type RuleCondition = z.infer<typeof condition>;

export const emptyMapping: Mapping = { columns: {}, skipIfEmpty: [], rules: [] };

export function loadMapping(path: string): Mapping {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new KumiwakeError('mapping-unreadable', `${path}: cannot read the mapping file: ${(e as Error).message}`);
  }
  const parsed = mappingSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    throw new KumiwakeError('mapping-invalid', `${path}: ${at}: ${issue.message}`);
  }
  return parsed.data;
}
