import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { processIsAlive } from '../processes.js';

/**
 * A job never overlaps itself, across processes too (`kumiwake run` beside the scheduler): a lock
 * file per job beside the database, holding the owner's pid. A lock whose process is gone (killed)
 * is taken over.
 */
export class JobLock {
  private constructor(private readonly path: string) {}

  /** The lock, or the pid of the live process that holds it. */
  static acquire(dbPath: string, job: string): JobLock | { heldBy: number } {
    const path = join(dirname(dbPath), '.kumiwake-jobs', `${job}.lock`);
    mkdirSync(dirname(path), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(path, String(process.pid), { flag: 'wx' });
        return new JobLock(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const holder = Number(readFileSync(path, 'utf8').trim());
        // An empty file is a lock being written right now, unless it has been empty for a minute.
        const unreadable = !Number.isInteger(holder) || holder <= 0;
        if (unreadable && Date.now() - statSync(path).mtimeMs < 60_000) return { heldBy: -1 };
        if (!unreadable && processIsAlive(holder)) return { heldBy: holder };
        unlinkSync(path);
      }
    }
    return { heldBy: -1 };
  }

  release(): void {
    try {
      unlinkSync(this.path);
    } catch {
      // already gone: nothing to release
    }
  }
}
