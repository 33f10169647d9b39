import { closeSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { KumiwakeError } from '../../errors.js';

/** Every DuckDB database file has these bytes at offset 8 (its main header's magic). */
const MAGIC = Buffer.from('DUCK');
const MAGIC_OFFSET = 8;

/**
 * Refuses a path that is not a DuckDB database: DuckDB opens a CSV, Parquet or JSON file given as
 * the database as an empty in-memory database, so an import or a save would report success and
 * keep nothing. A new path is fine (created), and so is an empty file (DuckDB itself decides:
 * it may be a database another process is creating right now).
 */
export function assertDatabaseFile(file: string): void {
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw notADatabase(file, 'it is a folder');
    size = stat.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // a new database
    throw e;
  }
  if (size === 0) return;
  const head = Buffer.alloc(MAGIC_OFFSET + MAGIC.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!head.subarray(MAGIC_OFFSET).equals(MAGIC)) throw notADatabase(file, describeContent(file, head));
}

/** DuckDB's own "not a valid DuckDB database file" (an empty file nobody is creating), as a sentence. */
export function isInvalidDatabaseError(e: unknown): boolean {
  return e instanceof Error && /is not a valid DuckDB database file/i.test(e.message);
}

export function notADatabase(file: string, what: string): KumiwakeError {
  return new KumiwakeError('not-a-database',
    `${file} is not a DuckDB database (${what}); the database must be a DuckDB file or a new path (a data file is loaded with kumiwake import)`, 2);
}

function describeContent(file: string, head: Buffer): string {
  if (head.subarray(0, 4).equals(Buffer.from('PAR1'))) return 'it is a Parquet file';
  if (head.subarray(0, 6).toString('latin1') === 'SQLite') return 'it is an SQLite file';
  const extension = /\.([A-Za-z0-9]+)$/.exec(basename(file))?.[1]?.toLowerCase();
  if (extension && ['csv', 'tsv', 'txt', 'json', 'jsonl', 'ndjson', 'parquet', 'xlsx', 'arrow'].includes(extension)) return `it looks like a .${extension} file`;
  return 'its header is not a DuckDB header';
}

/**
 * Removes what DuckDB spilled to `FILE.tmp/` (its temp_directory) in a process that was killed
 * (DuckDB removes its own spill files only on a clean close, and never a leftover). Called only
 * by a process that has just opened the file for writing: DuckDB's lock then guarantees that no
 * other process has the database open, so nothing there is in use; this instance has spilled
 * nothing yet.
 */
export function removeSpillLeftovers(file: string): void {
  rmSync(`${file}.tmp`, { recursive: true, force: true });
}

/**
 * Who holds the database, from DuckDB's lock error ("Conflicting lock is held in PROGRAM (PID
 * N)"): "another kumiwake process (pid N)", "another program (pid N: PROGRAM)", or, when it
 * cannot be told, "another process".
 */
export function lockHolder(message: string): string {
  const match = /Conflicting lock is held in (.*?) \(PID (\d+)\)/i.exec(message);
  if (!match) return 'another process';
  const [, program, pid] = match;
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return `another process (pid ${pid})`; // another machine, container or system: cannot be told
  }
  const isKumiwake = argv.slice(0, 3).some((arg) => /(^|\/)kumiwake$|(^|\/)cli\/main\.js$/.test(arg));
  return isKumiwake ? `another kumiwake process (pid ${pid})` : `another program (pid ${pid}: ${program})`;
}
