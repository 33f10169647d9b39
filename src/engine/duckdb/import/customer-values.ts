import type { DuckDBEngine } from '../engine.js';
import { sqlIdent, sqlString } from '../../../dialect/duckdb/sql-text.js';

/** Text columns whose values repeat across customers (a handful of prefectures, statuses, ...). */
export const DICTIONARY_COLUMNS = ['prefecture', 'store_id', 'status', 'customer_class', 'registration_route'] as const;
/** More distinct values than this and the column is left out: folding row by row is then no dearer. */
export const MAX_DICTIONARY_VALUES = 10_000;

/**
 * Rebuilds customer_values (see sql/schema.sql) inside the import's transaction, so that the
 * dictionary always holds every value its columns have.
 */
export async function refreshCustomerValues(db: DuckDBEngine): Promise<void> {
  const attrs = await db.all<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'customers' AND starts_with(column_name, 'attr:')`);
  await db.run('DELETE FROM customer_values');
  const sources = [
    ...[...DICTIONARY_COLUMNS, ...attrs.map((a) => a.name)].map((name) => ({ name, values: `SELECT DISTINCT ${sqlIdent(name)} AS v FROM customers` })),
    { name: 'tags', values: 'SELECT DISTINCT unnest(tags) AS v FROM customers' },
  ];
  for (const { name, values } of sources) {
    await db.run(`INSERT INTO customer_values
      SELECT ${sqlString(name)}, v FROM (${values}) WHERE v IS NOT NULL
        AND (SELECT count(*) FROM (${values}) WHERE v IS NOT NULL) <= ${MAX_DICTIONARY_VALUES}`);
  }
}
