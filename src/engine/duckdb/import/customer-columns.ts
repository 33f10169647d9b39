import { readFileSync } from 'node:fs';
import type { DuckDBEngine } from '../engine.js';
import { CUSTOMER_NUMBERS_MARK, numberCustomers, UNNUMBERED_ROW_SQL } from './customer-numbers.js';
import { MAIL_EVENT_SETS_MARK } from './mail-event-sets.js';

/** The schema_info keys saying every customer's kept columns are kept (the planner reads them only then). */
export const REACHABLE_FLAGS_MARK = 'reachable_flags';
export const CUSTOMER_LOOKUPS_MARK = 'customer_lookups';
const MARKS = [REACHABLE_FLAGS_MARK, CUSTOMER_LOOKUPS_MARK];

const sqlFile = (name: string) => readFileSync(new URL(`../../../../sql/${name}`, import.meta.url), 'utf8');
const KEPT_COLUMNS_SQL = sqlFile('customer-columns.sql');
const TAGS_TEXT_SQL = sqlFile('customer-tags-text.sql');

/**
 * Brings the columns of customers that counts read (reachable_email / _line / _dm,
 * birthday_month_day, and tags_text unless `tags` is false) up to date with the rows' own columns
 * (sql/customer-columns.sql, customer-tags-text.sql), and numbers the rows that have no customer
 * number (customer-numbers.ts): after a customers import, inside its transaction (`tags`: whether
 * its files hold tags), and once on a database made before them.
 */
export async function refreshKeptCustomerColumns(db: DuckDBEngine, { tags = true }: { tags?: boolean } = {}): Promise<void> {
  await db.run(KEPT_COLUMNS_SQL);
  if (tags) await db.run(TAGS_TEXT_SQL);
  for (const mark of MARKS) if (!(await db.hasSchemaMark(mark))) await db.setSchemaMark(mark);
  await numberCustomers(db);
}

/**
 * Whether a database lacks a kept column's mark (made before the column, or before the mail event
 * sets: mail-event-sets.ts), or holds rows without a customer number (written by a writer that
 * does not number them): refreshKeptCustomerColumns then.
 */
export async function keptCustomerColumnsMissing(db: DuckDBEngine): Promise<boolean> {
  for (const mark of [...MARKS, CUSTOMER_NUMBERS_MARK, MAIL_EVENT_SETS_MARK]) if (!(await db.hasSchemaMark(mark))) return true;
  const [row] = await db.all<{ unnumbered: boolean }>(UNNUMBERED_ROW_SQL);
  return row!.unnumbered;
}
