import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { KumiwakeError } from '../errors.js';
import { readReason } from '../system-reasons.js';
import { parseJsonText } from '../json-text.js';

/**
 * A mapping file adapts a shop's own export to a canonical table without editing the file:
 *
 *   {
 *     "columns": { "InvoiceNo": "order_id", "Country": "group:country", "Mail": ["email_pc", "email_mobile"], "Memo": null },
 *     "derive": {
 *       "order_id": { "concat": ["Shop", "OrderNo"], "sep": "-" },
 *       "line_no": { "numberWithin": ["order_id"] },
 *       "store_id": { "constant": "web" }
 *     },
 *     "skipIfEmpty": ["customer_id"],
 *     "rules": [ { "when": { "column": "order_id", "startsWith": "C" }, "set": { "status": "cancelled" } } ]
 *   }
 *
 * `columns` renames headers (null ignores the column; a list feeds several columns from one);
 * `derive` makes a column from others (concatenated headers, a constant, or the row's number
 * within a group); `skipIfEmpty` drops rows whose column is empty (counted as skipped, not
 * rejected); `rules` set a column's raw value on matching rows, before the value is read by its type.
 */
const condition = z
  .object({
    column: z.string().min(1),
    startsWith: z.string().optional(),
    equals: z.string().optional(),
    isEmpty: z.boolean().optional(),
  })
  .strict();

const derivation = z.union([
  z.object({ concat: z.array(z.string().min(1)).min(1), sep: z.string().default('') }).strict(),
  z.object({ constant: z.string() }).strict(),
  z.object({ numberWithin: z.array(z.string().min(1)) }).strict(),
]);

const mappingSchema = z
  .object({
    columns: z.record(z.string(), z.union([z.string(), z.array(z.string().min(1)).min(1), z.null()])).default({}),
    derive: z.record(z.string(), derivation).default({}),
    skipIfEmpty: z.array(z.string().min(1)).default([]),
    rules: z
      .array(z.object({ when: condition, set: z.record(z.string(), z.string()) }).strict())
      .default([]),
  })
  .strict();

export type Mapping = z.infer<typeof mappingSchema>;
export type RuleCondition = z.infer<typeof condition>;
export type Derivation = z.infer<typeof derivation>;

export const emptyMapping: Mapping = { columns: {}, derive: {}, skipIfEmpty: [], rules: [] };

export function loadMapping(path: string): Mapping {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new KumiwakeError('mapping-unreadable', `${path}: cannot read the mapping file: ${readReason(e)}`);
  }
  const json = parseJsonText(text, path, 'mapping-unreadable');
  const parsed = mappingSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    const hint = issue.path[0] === 'derive' ? ' (a derived column is {"concat": [...], "sep": "-"}, {"constant": "..."} or {"numberWithin": [...]})' : '';
    throw new KumiwakeError('mapping-invalid', `${path}: ${at}: ${issue.message}${hint}`);
  }
  return parsed.data;
}
