import { sql } from 'kysely';
import { customers, type ValueType } from '../catalog/tables.js';
import type { Sql, SqlDialect } from '../dialect/dialect.js';
import type { Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import type { LocalDate } from '../model/dates.js';
import { foldText } from '../planner/compile-field.js';
import { compileInContext } from '../planner/compile-node-flags.js';
import type { PlanTarget } from './evaluate.js';

/**
 * One customer, by id, for `kumiwake why` and `kumiwake customer`: the id must be one the
 * customers table holds exactly (ids compare exactly, as imported); an id that differs only by
 * case, character width or surrounding spaces is named in the fault.
 */
const MAX_HINTS = 3;
/** An id that is a number (at most 15 digits: exact as a JavaScript number), whose zero-padded forms are looked for. */
export const SAME_NUMBER = /^\d{1,15}$/;

/**
 * The customers whose id is one of the numbers `numbers` (each read from a SAME_NUMBER text),
 * zeros or spaces around it (`00000002` for `2`), in one pass over the customers however many
 * numbers are asked (a query per number cost 27 s for 100 of them at 1M customers). `idsByNumber`
 * keeps MAX_HINTS ids a number, by id.
 */
export const idsOfNumbers = (dialect: SqlDialect, numbers: readonly number[]): Sql => {
  const number = dialect.tryInteger(sql.ref('customer_id'));
  return sql`SELECT customer_id, ${number} AS n FROM customers WHERE ${number} IN (${sql.join(numbers.map((n) => sql.lit(n)))})
    ORDER BY customer_id LIMIT ${sql.lit(numbers.length * MAX_HINTS * 10)}`;
};

export function idsByNumber(rows: ReadonlyArray<{ customer_id: string; n: unknown }>): Map<number, string[]> {
  const found = new Map<number, string[]>();
  for (const { customer_id, n } of rows) {
    const ids = found.get(Number(n)) ?? [];
    if (ids.length < MAX_HINTS) found.set(Number(n), [...ids, customer_id]);
  }
  return found;
}

export async function assertCustomerExists(db: Engine, target: PlanTarget, asOf: LocalDate, customerId: string): Promise<void> {
  const options = { dialect: target.dialect, asOf, schema: target.schema };
  const exact = await db.query(compileInContext(() => sql`SELECT 1 AS one FROM customers WHERE customer_id = ${customerId} LIMIT 1`, options));
  if (exact.length > 0) return;
  const folded = foldText(customerId.trim());
  let near = await db.query<{ customer_id: string }>(compileInContext((ctx) => sql`SELECT customer_id FROM customers
    WHERE ${ctx.dialect.fold(sql.ref('customer_id'))} = ${folded} ORDER BY customer_id LIMIT ${sql.lit(MAX_HINTS)}`, options));
  // A member number typed without its zeros (`2` for `00000002`): the ids of that number.
  if (near.length === 0 && SAME_NUMBER.test(folded)) {
    const rows = await db.query<{ customer_id: string; n: unknown }>(compileInContext((ctx) => idsOfNumbers(ctx.dialect, [Number(folded)]), options));
    near = (idsByNumber(rows).get(Number(folded)) ?? []).map((customer_id) => ({ customer_id }));
  }
  const hint = near.length > 0 ? `; did you mean ${near.map((r) => `"${r.customer_id}"`).join(', ')}?` : '';
  throw new KumiwakeError('unknown-customer', `there is no customer "${customerId}" (customer ids compare exactly, as imported${hint})`, 2);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A DuckDB DATE or TIMESTAMP (handed over as a Date at UTC holding the wall-clock time) as text. */
export function timeText(value: Date, type: 'date' | 'timestamp' = 'timestamp'): string {
  const day = `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  if (type === 'date') return day;
  const ms = value.getUTCMilliseconds();
  return `${day} ${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}${ms > 0 ? `.${pad(ms, 3)}` : ''}`;
}

/** A value read from the database as plain JSON data: whole numbers as numbers (text beyond 2^53), times as text. */
export function plainValue(value: unknown, type?: ValueType | 'attr'): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return timeText(value, type === 'date' ? 'date' : 'timestamp');
  if (Array.isArray(value)) return value.map((v) => plainValue(v));
  return value;
}

const columnTypes = new Map(customers.columns.map((c) => [c.name, c.type]));

/** A customers row as plain data, in the catalog's column order, then its `attr:` columns. */
export function customerFields(row: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const column of customers.columns) if (Object.hasOwn(row, column.name)) fields[column.name] = plainValue(row[column.name], column.type);
  for (const name of Object.keys(row).filter((n) => n.startsWith('attr:')).sort()) fields[name] = plainValue(row[name], 'attr');
  return fields;
}

export const customerColumnType = (name: string): ValueType | 'attr' | undefined => (name.startsWith('attr:') ? 'attr' : columnTypes.get(name));
