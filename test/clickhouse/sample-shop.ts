/** The sample shop (data/sample/) imported into a DuckDB database, as the ClickHouse tests compare with. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { importFiles } from '../../src/engine/duckdb/import/run-import.js';
import { customers, mailEvents, mails, products, purchases, subscriptions, type TableDef } from '../../src/catalog/tables.js';

export const SAMPLE_DIR = new URL('../../data/sample/', import.meta.url).pathname;

/** The sample files in import order (masters first, as `npm start` loads them). */
export const SAMPLE_FILES: ReadonlyArray<{ table: TableDef; file: string }> = [
  { table: products, file: join(SAMPLE_DIR, 'products.csv') },
  { table: customers, file: join(SAMPLE_DIR, 'customers.csv') },
  { table: purchases, file: join(SAMPLE_DIR, 'purchases.csv') },
  { table: mails, file: join(SAMPLE_DIR, 'mails.csv') },
  { table: mailEvents, file: join(SAMPLE_DIR, 'mail_events.csv') },
  { table: subscriptions, file: join(SAMPLE_DIR, 'subscriptions.csv') },
];

export async function sampleShopInDuckDB(path = ':memory:'): Promise<DuckDBEngine> {
  const db = await DuckDBEngine.open(path);
  for (const { table, file } of SAMPLE_FILES) await importFiles(db, { table, files: [file] });
  return db;
}

/**
 * Two customers the sample lacks, whose average order is half a sen (command-line.md: rounded half
 * away from zero): one order of 1.005 (a double's 1.00499…, 1.01 exactly) and two of -0.125 each
 * (-0.13). Written into `dir`; import the customers, then the lines.
 */
export function halfSenFiles(dir: string): { customers: string; purchases: string } {
  const customers = join(dir, 'half-sen-customers.csv');
  const purchases = join(dir, 'half-sen-purchases.csv');
  writeFileSync(customers, 'customer_id,name\nH0000001,半銭 一\nH0000002,半銭 二\n');
  writeFileSync(purchases, 'order_id,line_no,customer_id,ordered_at,product_code,amount\n' +
    'HS1,1,H0000001,2026-02-01 10:00:00,P00014,1.005\nHS2,1,H0000002,2026-02-02 10:00:00,P00014,-0.125\nHS3,1,H0000002,2026-02-03 10:00:00,P00014,-0.125\n');
  return { customers, purchases };
}
