import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InterruptedError } from '../../interrupt.js';
import { sqlString } from '../../dialect/duckdb/sql-text.js';
import type { DuckDBEngine } from '../duckdb/engine.js';

/**
 * Rows a slice holds: ClickHouse's `max_insert_block_size` (1,048,576), so one slice is one
 * block and one part on each shard, and a slice file of order lines is ~160 MB.
 */
export const SLICE_ROWS = 1_048_576;

/** How many slices are sent at once while DuckDB writes the next (one parsing thread each on the server). */
const SENDS_IN_FLIGHT = 2;

/**
 * Writes the TSV lines of a DuckDB table in slices of rowids to files and hands each file to
 * `send` as DuckDB writes the next one. Measured on the 1x bench (issue 18): DuckDB's chunks
 * converted to JavaScript strings and joined for one streamed request made 133k order lines/s
 * (1M lines: 7.5 s), while DuckDB's COPY writes the same lines in 2.2 s and a shard reads a
 * file's lines in 2.2 s: no cell passes through JavaScript here, and both run at once.
 *
 * `lineOf` is the DuckDB select giving one column, the whole TSV line without its line feed,
 * for the rows of the table passing the WHERE condition it is given. The files live in a
 * fresh folder named `folderPrefix` + random (default in the system's temporary folder), removed
 * at the end whatever happens; an import names it like its scratch files, so the next import
 * removes it after a kill.
 */
export async function sendTsvSlices(
  source: DuckDBEngine, table: string, lineOf: (where: string) => string,
  send: (body: () => AsyncIterable<Uint8Array>, signal: AbortSignal) => Promise<void>,
  options: { signal?: AbortSignal; folderPrefix?: string } = {},
): Promise<void> {
  const [range] = await source.all<{ last: bigint | null }>(`SELECT max(rowid) AS last FROM ${table}`);
  if (range?.last === null || range?.last === undefined) return;
  const last = Number(range.last);
  const dir = mkdtempSync(options.folderPrefix ?? join(tmpdir(), `kumiwake-send-${process.pid}-`));
  // Our own signal: a failed send stops the others, and the caller's signal stops all.
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  try {
    for (let start = 0, k = 0; start <= last; start += SLICE_ROWS, k++) {
      if (stop.signal.aborted) break;
      const file = join(dir, `${k}.tsv`);
      await source.run(`COPY (${lineOf(`rowid >= ${start} AND rowid < ${start + SLICE_ROWS}`)}) TO ${sqlString(file)} ` +
        // One column and no quote character: DuckDB writes each line as it is (the TSV escaping is the select's).
        `(FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x01')`);
      if (stop.signal.aborted || statSync(file).size === 0) {
        rmSync(file, { force: true });
        continue;
      }
      const sending: Promise<void> = send(() => createReadStream(file, { highWaterMark: 1 << 20 }), stop.signal)
        .catch((e: unknown) => {
          failure ??= e;
          stop.abort(e);
        })
        .finally(() => {
          rmSync(file, { force: true });
          inFlight.delete(sending);
        });
      inFlight.add(sending);
      if (inFlight.size >= SENDS_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } catch (e) {
    failure ??= e;
    stop.abort(e);
    await Promise.allSettled(inFlight);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    rmSync(dir, { recursive: true, force: true });
  }
  if (options.signal?.aborted) throw new InterruptedError(String(options.signal.reason));
  if (failure !== undefined) throw failure;
}
