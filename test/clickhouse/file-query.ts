import { DuckDBInstance } from '@duckdb/node-api';

/** Rows of a statement in a DuckDB of its own (reads the Parquet files an export wrote), as JS values. */
export async function fileQuery(sql: string): Promise<unknown[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
