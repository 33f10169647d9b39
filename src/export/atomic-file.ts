import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { silentLogger, type Logger } from '../logger.js';
import { processIsAlive } from '../processes.js';
import { checkTarget, writeFault } from './target.js';
import { fitFileName, NAME_MAX_BYTES } from '../file-names.js';

/** Temp files of this process not yet committed, removed by `abortPendingFiles` on a signal. */
const pending = new Set<AtomicFile>();

const TEMP_MARK = '.kumiwake-';
/** The host as it appears in a temp file's name (a folder may be shared by several machines). */
const host = () => hostname().replace(/[^A-Za-z0-9.-]/g, '_') || 'localhost';
/** `.NAME.kumiwake-PID-RANDOM@HOST.tmp`, and side files `….tmp.SUFFIX` */
const TEMP_NAME = /\.kumiwake-(\d+)-[0-9a-f]{8}@(.+?)\.tmp(\.[^.]*)?$/;

/** Room for a side file's `.SUFFIX` (sidePath) after the temp name. */
const SIDE_SUFFIX_BYTES = 16;

/**
 * A file that appears whole or not at all: written to a temp file beside the target (same
 * directory, so the rename is atomic), flushed to disk, then renamed over the target. A failed or
 * interrupted write removes its temp file; a killed process leaves one, which the next export
 * into the same directory removes: the temp name carries the pid and the host, and only a file
 * of this host whose process is gone is removed (never a live export's, nor another machine's
 * sharing the folder, nor one whose name does not say).
 */
export class AtomicFile {
  private done = false;

  private constructor(readonly target: string, readonly tempPath: string, private readonly log: Logger) {}

  /**
   * Checks the target (a regular file or nothing, in a folder), creates its folder and an empty
   * temp file beside it: a place that cannot be written is refused here, naming the target.
   */
  static create(target: string, log: Logger = silentLogger): AtomicFile {
    checkTarget(target);
    const path = resolve(target);
    const tail = `${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}@${host()}.tmp`;
    // The temp name holds the target's and about 40 bytes more: the target's part is cut to fit
    // (a target of 230 bytes, 77 Japanese characters, was otherwise refused). Only the marks after
    // it identify a temp file.
    const temp = join(dirname(path), `.${fitFileName(basename(path), NAME_MAX_BYTES - 1 - Buffer.byteLength(tail) - SIDE_SUFFIX_BYTES)}${tail}`);
    try {
      mkdirSync(dirname(path), { recursive: true });
      closeSync(openSync(temp, 'wx'));
    } catch (e) {
      throw writeFault(target, e) ?? e;
    }
    removeStaleTempFiles(dirname(path), log);
    const file = new AtomicFile(path, temp, log);
    pending.add(file);
    return file;
  }

  /** A second temp path for intermediate output (e.g. UTF-8 before CP932), cleaned up with this one. */
  sidePath(suffix: string): string {
    return `${this.tempPath}.${suffix}`;
  }

  commit(): void {
    const fd = openSync(this.tempPath, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // The target was checked before the rows were written; something made in its place meanwhile
    // (a folder, a device) is refused now, with the file's name.
    checkTarget(this.target);
    renameSync(this.tempPath, this.target);
    this.done = true;
    pending.delete(this);
    this.removeSideFiles();
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    pending.delete(this);
    removeQuietly(this.tempPath, this.log);
    this.removeSideFiles();
  }

  private removeSideFiles(): void {
    const dir = dirname(this.tempPath);
    const prefix = `${basename(this.tempPath)}.`;
    for (const name of safeReaddir(dir)) if (name.startsWith(prefix)) removeQuietly(join(dir, name), this.log);
  }
}

/** Synchronous, for signal handlers: removes every temp file this process has not committed. */
export function abortPendingFiles(): void {
  for (const file of [...pending]) file.abort();
}

function removeQuietly(path: string, log: Logger = silentLogger): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err: e, path }, 'could not remove a temp file');
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Temp files left by killed exports are removed: those of this host whose process is gone. A
 * file of a live process, of another host, or without a pid and host in its name is kept.
 */
export function removeStaleTempFiles(dir: string, log: Logger = silentLogger): void {
  const here = host();
  for (const name of safeReaddir(dir)) {
    const match = TEMP_NAME.exec(name);
    if (!match || match[2] !== here) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && !processIsAlive(pid)) {
      log.info({ file: join(dir, name) }, 'removing a temp file left by an interrupted export');
      removeQuietly(join(dir, name), log);
    }
  }
}
