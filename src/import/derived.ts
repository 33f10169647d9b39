import { readFileSync } from 'node:fs';
import type { Database } from '../db/database.js';

const sqlFile = (name: string) => readFileSync(new URL(`../../sql/${name}`, import.meta.url), 'utf8');

/**
 * Rebuilds what is derived from purchases and products after either changes: the master category
 * copied onto order lines, and the per-customer lifetime purchase figures.
 */
export async function refreshDerivedTables(db: Database, changed: 'purchases' | 'products'): Promise<void> {
  await db.run(sqlFile('product-categories.sql'));
  if (changed === 'purchases') await db.run(sqlFile('customer-summary.sql'));
}
