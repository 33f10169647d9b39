import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlString } from '../../dialect/duckdb/sql-text.js';
import type { ClickHouseEngine } from './engine.js';

/**
 * Copies the customer ids a ClickHouse query returns into the state file's temp table `table`
 * (a job run keeps its member set beside its history), through a CSV file the engine's own
 * copier writes and the state file's DuckDB reads: the job code then reads them as on DuckDB.
 */
export async function copyIdsToState(engine: ClickHouseEngine, select: string, table: string): Promise<void> {
  const file = join(tmpdir(), `kumiwake-members-${process.pid}-${randomBytes(4).toString('hex')}.csv`);
  try {
    await engine.copyToFile(select, file, 'csv', undefined, () => {});
    await engine.state.query({ sql: `DROP TABLE IF EXISTS ${table}`, parameters: [] });
    await engine.state.query({
      sql: `CREATE TEMP TABLE ${table} AS SELECT customer_id FROM read_csv(${sqlString(file)}, header = true, columns = {'customer_id': 'VARCHAR'})`, parameters: [],
    });
  } finally {
    rmSync(file, { force: true });
  }
}
