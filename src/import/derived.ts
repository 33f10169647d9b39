import { readFileSync } from 'node:fs';
import type { Database } from '../db/database.js';

const SUMMARY_SQL = new URL('../../sql/customer-summary.sql', import.meta.url);

/** Rebuilds the per-customer lifetime purchase figures after purchases change. */
export async function refreshDerivedTables(db: Database): Promise<void> {
  await db.run(readFileSync(SUMMARY_SQL, 'utf8'));
}
