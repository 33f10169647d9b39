import { DuckDBInstance } from '@duckdb/node-api';
import { handSummaries, HAND_TOTALS } from './hand-summaries.js';

/**
 * The floor: DuckDB's own read_csv into a table, default settings. Prints {"seconds": N}. Given a
 * product master too (the order lines' file), it then writes the hand-written summaries
 * (hand-summaries.ts) and prints their seconds and totals as well.
 */
const [file, dbPath, products] = process.argv.slice(2);
const instance = await DuckDBInstance.create(dbPath!);
const conn = await instance.connect();
const timed = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};
const seconds = await timed(() => conn.run('CREATE TABLE t AS SELECT * FROM read_csv($file)', { file: file! }));
const summaries = products === undefined ? {} : {
  summarySeconds: await timed(async () => {
    for (const statement of handSummaries(products)) await conn.run(statement);
  }),
  totals: (await conn.runAndReadAll(HAND_TOTALS)).getRowObjectsJson()[0],
};
conn.closeSync();
instance.closeSync();
process.stdout.write(`${JSON.stringify({ seconds, ...summaries })}\n`);
