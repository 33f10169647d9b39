import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { processIsAlive } from '../processes.js';

/** The folder of a database's lock files: `.kumiwake-jobs/DBNAME/` beside it (one per database, not per folder). */
export const lockFolder = (dbPath: string) => join(dirname(dbPath), '.kumiwake-jobs', basename(dbPath));

/**
 * A lock file holding its owner's pid and host (`PID@HOST`), created exclusively. A lock whose
 * process is gone (killed) is taken over; one held by another host is never taken over (its
 * process cannot be seen from here).
 */
class PidLock {
  protected constructor(private readonly path: string) {}

  /** The lock file at `path`, or the pid of the live process that holds it (-1: unknown). */
  protected static take(path: string): string | { heldBy: number } {
    mkdirSync(dirname(path), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(path, `${process.pid}@${hostname()}`, { flag: 'wx' });
        return path;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        let text: string;
        try {
          text = readFileSync(path, 'utf8').trim();
        } catch (r) {
          if ((r as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile
          throw r;
        }
        const [pidText, host] = text.split('@');
        const holder = Number(pidText);
        // An empty file is a lock being written right now, unless it has been empty for a minute.
        const unreadable = !Number.isInteger(holder) || holder <= 0;
        if (unreadable && Date.now() - statSync(path).mtimeMs < 60_000) return { heldBy: -1 };
        if (!unreadable && host !== undefined && host !== hostname()) return { heldBy: holder };
        if (!unreadable && processIsAlive(holder)) return { heldBy: holder };
        try {
          unlinkSync(path);
        } catch (r) {
          if ((r as NodeJS.ErrnoException).code !== 'ENOENT') throw r;
        }
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

/**
 * A job never overlaps itself, across processes too (`kumiwake run` beside the scheduler): a lock
 * file per job and database (`.kumiwake-jobs/DBNAME/JOB.lock` beside the database). The same job
 * on another database of the folder is another lock.
 */
export class JobLock extends PidLock {
  /** The lock, or the pid of the live process that holds it. */
  static acquire(dbPath: string, job: string): JobLock | { heldBy: number } {
    const taken = PidLock.take(join(lockFolder(dbPath), `${job}.lock`));
    return typeof taken === 'string' ? new JobLock(taken) : taken;
  }
}

/**
 * One scheduler per database: `.kumiwake-jobs/DBNAME.scheduler.lock` beside the database holds
 * the scheduler's pid. A second scheduler on the database is refused while the first lives; the
 * lock of one that was killed is taken over.
 */
export class SchedulerLock extends PidLock {
  static acquire(dbPath: string): SchedulerLock | { heldBy: number } {
    const taken = PidLock.take(`${lockFolder(dbPath)}.scheduler.lock`);
    return typeof taken === 'string' ? new SchedulerLock(taken) : taken;
  }
}
