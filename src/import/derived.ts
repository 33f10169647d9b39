import { readFileSync } from 'node:fs';
import type { Database } from '../db/database.js';

const sqlFile = (name: string) => readFileSync(new URL(`../../sql/${name}`, import.meta.url), 'utf8');

/**
 * Rebuilds what is derived from purchases and products after either changes: the per-customer
 * lifetime purchase figures, and the master category copied onto the order lines (new lines get
 * it as they are inserted; a products import brings it up to date on the lines already stored).
 */
export async function refreshDerivedTables(db: Database, changed: 'purchases' | 'products'): Promise<void> {
  if (changed === 'purchases') await db.run(sqlFile('customer-summary.sql'));
  else await db.run(sqlFile('product-categories.sql'));
}
