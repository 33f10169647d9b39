import { DuckDBInstance } from '@duckdb/node-api';

/** The floor: DuckDB's own read_csv into a table, default settings. Prints {"seconds": N}. */
const [file, dbPath] = process.argv.slice(2);
const instance = await DuckDBInstance.create(dbPath!);
const conn = await instance.connect();
const started = performance.now();
await conn.run('CREATE TABLE t AS SELECT * FROM read_csv($file)', { file: file! });
const seconds = (performance.now() - started) / 1000;
conn.closeSync();
instance.closeSync();
process.stdout.write(`${JSON.stringify({ seconds })}\n`);
