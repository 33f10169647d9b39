/**
 * Typed errors. A user-fixable fault carries a code and a location (file:line or a JSON path);
 * the CLI prints the message and exits with `exitCode` (2 = bad input, 1 = runtime failure).
 * Anything else reaching the CLI is a broken invariant and is reported as an internal error.
 */
export class KumiwakeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'KumiwakeError';
  }
}

/** A rejected input file: names the file, the line (1-based, physical) and the column. */
export class ImportError extends KumiwakeError {
  constructor(
    code: string,
    readonly file: string,
    readonly line: number | undefined,
    readonly column: string | undefined,
    readonly reason: string,
  ) {
    super(code, `${file}${line !== undefined ? `:${line}` : ''}: ${column !== undefined ? `column ${column}: ` : ''}${reason}`, 2);
    this.name = 'ImportError';
  }
}

/**
 * The database is held by another process for longer than the bounded wait. `holder` says who,
 * as far as it can be told: another kumiwake process, another program (a DuckDB shell, a
 * notebook), or just "another process".
 */
export class DatabaseBusyError extends KumiwakeError {
  constructor(readonly path: string, waitedMs: number, readonly holder = 'another process') {
    super(
      'database-busy',
      `database is busy: ${path} is held by ${holder} (waited ${Math.round(waitedMs / 1000)} s). ` +
        'Try again when it has finished, or raise KUMIWAKE_LOCK_TIMEOUT (seconds).',
      1,
    );
    this.name = 'DatabaseBusyError';
  }
}

/**
 * The disk filled as a command wrote: the database, its write-ahead log, what DuckDB spilled
 * beside it, an import's decoded copy, a file being written. Names that file (or the spill
 * folder), so the user knows which disk to free.
 */
export class DiskFullError extends KumiwakeError {
  constructor(readonly path: string | undefined) {
    super('disk-full', `no space left on the device${path ? `: could not write ${path}` : ''}. Free some space on it and run the command again.`, 1);
    this.name = 'DiskFullError';
  }
}

/**
 * DuckDB's failure to write for want of space (`IO Error: Could not write file "PATH": No space
 * left on device`, also inside a failed commit) as a DiskFullError naming PATH; undefined for
 * other failures.
 */
export function diskFullOf(message: string): DiskFullError | undefined {
  if (!/No space left on device/.test(message)) return undefined;
  return new DiskFullError(/Could not write file "([^"]+)"/.exec(message)?.[1]);
}

/** A file-system error of a full disk (ENOSPC, EDQUOT) as a DiskFullError naming `path`; any other error as it is. */
export function asDiskFull(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' ? new DiskFullError(path) : error;
}

/**
 * DuckDB ran out of the memory it was given and could not spill the work to disk. Says which
 * setting to raise; the transaction it ran in has been rolled back by the caller.
 */
export class OutOfMemoryError extends KumiwakeError {
  constructor(readonly limit: string, readonly setting: string) {
    super(
      'out-of-memory',
      `out of memory: the work needed more than DuckDB's memory limit of ${limit} and could not spill it to disk. ` +
        `Nothing was changed. Raise the limit with ${setting} (for example ${setting}=2GB) and run the command again.`,
      1,
    );
    this.name = 'OutOfMemoryError';
  }
}
