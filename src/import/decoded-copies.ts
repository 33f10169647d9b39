import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statfsSync } from 'node:fs';
import { freemem, hostname, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { asDiskFull } from '../errors.js';
import { processIsAlive } from '../processes.js';

/** What a CP932 file may grow to in UTF-8: kana and kanji take 3 bytes for 2 (ASCII stays 1). */
const UTF8_GROWTH = 1.5;
/** A RAM copy may take at most this share of the memory the system has available. */
const RAM_SHARE = 0.25;
const RAM_DIR = '/dev/shm';

/** Which process a command folder belongs to: its pid, on its host. */
export interface CopyOwner {
  readonly pid: number;
  readonly host: string;
}

const thisProcess = (): CopyOwner => ({ pid: process.pid, host: hostName() });
/** The host name as it may appear in a file name. */
export const hostName = () => hostname().replace(/[^A-Za-z0-9._-]/g, '_') || 'localhost';
/** `PID-RANDOM@HOST`: a command's own folder inside the database's folder. */
const COMMAND_FOLDER = /^(\d+)-[0-9a-f]+@(.+)$/;

/**
 * Where the copies an import reads instead of the user's files go: the UTF-8 decodes of CP932
 * files (DuckDB's reader reads UTF-8 only), and files read without a trailing Ctrl-Z. Writing a
 * quarter-gigabyte copy to a disk file system costs more than decoding it; a RAM file system
 * (`/dev/shm`) takes it at memory speed. A copy goes there when it fits in a quarter of the memory
 * available, else beside the database. A forced folder (the CLI's `KUMIWAKE_DECODE_DIR`) takes
 * every copy instead.
 *
 * Nothing is shared by accident: each root is named after the database
 * (`.kumiwake-tmp/NAME-HASH/`, `/dev/shm/kumiwake-HASH/`), and inside it each command writes to
 * its own folder `PID-RANDOM@HOST`. `removeAll` removes the command's own folders, and those of
 * commands on this host whose process is gone (killed before they could clean up); a folder of a
 * live process, or of another host sharing the folder, is never touched.
 */
export class DecodedCopies {
  private ramUsed = 0;

  private constructor(private readonly roots: readonly Root[], private readonly command: string) {}

  /** `forcedDir`: one folder for every copy (the CLI's KUMIWAKE_DECODE_DIR); `owner`: for tests */
  static forDatabase(dbPath: string, forcedDir?: string, owner: CopyOwner = thisProcess()): DecodedCopies {
    return new DecodedCopies(rootsFor(dbPath, forcedDir), `${owner.pid}-${randomBytes(4).toString('hex')}@${owner.host}`);
  }

  /** The folders of one database, inside which each command has its own folder. */
  static rootsFor(dbPath: string, forcedDir?: string): string[] {
    return rootsFor(dbPath, forcedDir).map((r) => r.path);
  }

  /**
   * Removes what commands on this database left when they were killed: the command folders of
   * processes of this host that are gone. A live process's folder, and any of another host, is
   * kept. Returns the folders removed.
   */
  static removeLeftovers(dbPath: string, forcedDir?: string, isAlive: (pid: number) => boolean = processIsAlive): string[] {
    return sweep(rootsFor(dbPath, forcedDir), hostName(), isAlive);
  }

  /** This command's folders (its copies are written only there). */
  get folders(): string[] {
    return this.roots.map((r) => join(r.path, this.command));
  }

  /** A path for the copy of `source` (`sourceBytes` long), the `index`-th file of the import. */
  pathFor(source: string, index: number, sourceBytes: number, preferRam = true): string {
    const estimate = sourceBytes * UTF8_GROWTH;
    const ram = this.roots.find((r) => r.ram);
    const inRam = preferRam && ram !== undefined && this.ramUsed + estimate <= ramBudget();
    const dir = join((inRam ? ram : this.roots.find((r) => !r.ram)!).path, this.command);
    if (inRam) this.ramUsed += estimate;
    makeFolder(dir);
    return join(dir, `${index}-${basename(source)}.utf8.csv`);
  }

  /**
   * Writes the copy of `source` (`write` to the path given): in RAM when it fits, on disk when the
   * RAM file system filled up after all (other processes use it too). A full disk is said so,
   * naming the copy (DiskFullError).
   */
  async write<T>(source: string, index: number, sourceBytes: number, write: (copy: string) => T | Promise<T>): Promise<{ copy: string; result: T }> {
    const first = this.pathFor(source, index, sourceBytes);
    try {
      return { copy: first, result: await write(first) };
    } catch (e) {
      if (!(this.isInRam(first) && (e as NodeJS.ErrnoException).code === 'ENOSPC')) throw asDiskFull(e, first);
      rmSync(first, { force: true });
    }
    const onDisk = this.pathFor(source, index, sourceBytes, false);
    try {
      return { copy: onDisk, result: await write(onDisk) };
    } catch (e) {
      throw asDiskFull(e, onDisk);
    }
  }

  isInRam(path: string): boolean {
    const ram = this.roots.find((r) => r.ram);
    return ram !== undefined && dirname(path) === join(ram.path, this.command);
  }

  /** Removes this command's copies, and the leftovers of killed commands on this database. */
  removeAll(): void {
    for (const folder of this.folders) rmSync(folder, { recursive: true, force: true });
    this.ramUsed = 0;
    sweep(this.roots, this.command.slice(this.command.indexOf('@') + 1), processIsAlive);
  }
}

/** A database's folder for copies; `levels`: it and how many parents go when they are empty. */
interface Root {
  readonly path: string;
  readonly ram: boolean;
  readonly levels: number;
}

function rootsFor(dbPath: string, forcedDir: string | undefined): Root[] {
  const hash = createHash('sha256').update(dbPath === ':memory:' ? `:memory:${process.pid}` : resolve(dbPath)).digest('hex').slice(0, 16);
  if (forcedDir) return [{ path: join(resolve(forcedDir), `kumiwake-${hash}`), ram: false, levels: 1 }];
  const disk: Root = dbPath === ':memory:'
    ? { path: join(tmpdir(), `kumiwake-${hash}`), ram: false, levels: 1 }
    : { path: join(dirname(resolve(dbPath)), '.kumiwake-tmp', `${basename(dbPath)}-${hash.slice(0, 8)}`), ram: false, levels: 2 };
  return existsSync(RAM_DIR) ? [disk, { path: join(RAM_DIR, `kumiwake-${hash}`), ram: true, levels: 1 }] : [disk];
}

/** Removes the command folders of `host` whose process is gone, then the roots left empty. */
function sweep(roots: readonly Root[], host: string, isAlive: (pid: number) => boolean): string[] {
  const removed: string[] = [];
  for (const root of roots) {
    for (const name of safeReaddir(root.path)) {
      const match = COMMAND_FOLDER.exec(name);
      if (!match || match[2] !== host) continue;
      const pid = Number(match[1]);
      if (pid === process.pid || isAlive(pid)) continue;
      rmSync(join(root.path, name), { recursive: true, force: true });
      removed.push(join(root.path, name));
    }
    removeIfEmpty(root.path, root.levels);
  }
  return removed;
}

/** mkdir -p, again if another command removed an empty parent meanwhile. */
function makeFolder(dir: string): void {
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(dir, { recursive: true });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw e;
    }
  }
}

/** Removes `dir` and then up to `levels - 1` parents while they are empty (never one in use). */
function removeIfEmpty(dir: string, levels: number): void {
  for (let i = 0, d = dir; i < levels; i++, d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return; // not empty (another command's copies), or already gone
    }
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
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
