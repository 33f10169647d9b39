import { readFileSync } from 'node:fs';
import type { DuckDBEngine } from '../engine.js';

/** The schema_info key saying every customer's reachable flags are kept (the planner reads them only then). */
export const REACHABLE_FLAGS_MARK = 'reachable_flags';

const FLAGS_SQL = readFileSync(new URL('../../../../sql/reachable-flags.sql', import.meta.url), 'utf8');

/**
 * Brings customers.reachable_email / _line / _dm up to date with the rows' own columns
 * (sql/reachable-flags.sql): after a customers import, inside its transaction, and once on a
 * database made before the columns.
 */
export async function refreshReachableFlags(db: DuckDBEngine): Promise<void> {
  await db.run(FLAGS_SQL);
  if (!(await db.hasSchemaMark(REACHABLE_FLAGS_MARK))) await db.setSchemaMark(REACHABLE_FLAGS_MARK);
}
