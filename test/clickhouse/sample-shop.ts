/** The sample shop (data/sample/) imported into a DuckDB database, as the ClickHouse tests compare with. */
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
