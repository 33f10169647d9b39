import type { Database } from '../db/database.js';

/** Rebuilds the per-order and per-customer purchase figures after purchases or products change. */
export async function refreshDerivedTables(_db: Database): Promise<void> {
  // Filled in by the planner's summary tables.
}
