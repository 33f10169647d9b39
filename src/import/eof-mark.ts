import { closeSync, openSync, readSync, statSync, truncateSync } from 'node:fs';

const CTRL_Z = 0x1a;

/**
 * Old DOS and Windows tools (and some Japanese back-office systems still) end a text file with a
 * Ctrl-Z byte, the CP/M end-of-file mark. DuckDB's reader would take it for a last record of one
 * field; the importer reads a copy without it instead (the user's file is never changed).
 */
export function endsWithEofMark(path: string): boolean {
  const size = statSync(path).size;
  if (size === 0) return false;
  const fd = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === CTRL_Z;
  } finally {
    closeSync(fd);
  }
}

/** Drops the mark from the end of a copy the importer made. */
export function dropEofMark(copy: string): void {
  truncateSync(copy, statSync(copy).size - 1);
}
