import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { freemem, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** What a CP932 file may grow to in UTF-8: kana and kanji take 3 bytes for 2 (ASCII stays 1). */
const UTF8_GROWTH = 1.5;
/** A RAM copy may take at most this share of the memory the system has available. */
const RAM_SHARE = 0.25;
const RAM_DIR = '/dev/shm';

/**
 * Where the copies an import reads instead of the user's files go: the UTF-8 decodes of CP932
 * files (DuckDB's reader reads UTF-8 only), and files read without a trailing Ctrl-Z. Writing a quarter-gigabyte copy to a disk file system costs more than decoding it; a RAM file
 * system (`/dev/shm`) takes it at memory speed. A copy goes there when it fits in a quarter of
 * the memory available, else beside the database. A forced folder (the CLI's
 * `KUMIWAKE_DECODE_DIR`) takes every copy instead.
 *
 * The folders are named after the database, which an import holds for writing: an import never
 * shares them, and what one killed before it could clean up left is removed (`removeAll`) by the
 * next import of that database.
 */
export class DecodedCopies {
  private ramUsed = 0;

  private constructor(private readonly diskDir: string, private readonly ramDir: string | undefined) {}

  /** `forcedDir`: one folder for every copy (the CLI's KUMIWAKE_DECODE_DIR) */
  static forDatabase(dbPath: string, forcedDir?: string): DecodedCopies {
    const name = dbPath === ':memory:' ? `kumiwake-${process.pid}` : `kumiwake-${createHash('sha256').update(dbPath).digest('hex').slice(0, 16)}`;
    const forced = forcedDir;
    if (forced) return new DecodedCopies(join(resolve(forced), name), undefined);
    const diskDir = dbPath === ':memory:' ? join(tmpdir(), name) : join(dirname(dbPath), '.kumiwake-tmp');
    return new DecodedCopies(diskDir, existsSync(RAM_DIR) ? join(RAM_DIR, name) : undefined);
  }

  /** The folders copies may be written to (for tests and diagnostics). */
  get folders(): string[] {
    return this.ramDir ? [this.diskDir, this.ramDir] : [this.diskDir];
  }

  /** A path for the copy of `source` (`sourceBytes` long), the `index`-th file of the import. */
  pathFor(source: string, index: number, sourceBytes: number, preferRam = true): string {
    const estimate = sourceBytes * UTF8_GROWTH;
    const inRam = preferRam && this.ramDir !== undefined && this.ramUsed + estimate <= ramBudget();
    const dir = inRam ? this.ramDir! : this.diskDir;
    if (inRam) this.ramUsed += estimate;
    mkdirSync(dir, { recursive: true });
    return join(dir, `${index}-${basename(source)}.utf8.csv`);
  }

  isInRam(path: string): boolean {
    return this.ramDir !== undefined && dirname(path) === this.ramDir;
  }

  removeAll(): void {
    rmSync(this.diskDir, { recursive: true, force: true });
    if (this.ramDir) rmSync(this.ramDir, { recursive: true, force: true });
    this.ramUsed = 0;
  }
}

function ramBudget(): number {
  try {
    const fs = statfsSync(RAM_DIR);
    return Math.min(fs.bavail * fs.bsize, availableMemory()) * RAM_SHARE;
  } catch {
    return 0;
  }
}

function availableMemory(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux: fall back on what Node reports
  }
  return freemem();
}
