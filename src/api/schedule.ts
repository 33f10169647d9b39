import { resolve } from 'node:path';
import type { ExportSettings } from '../export/export-segment.js';
import { defaultOutputRoot } from '../jobs/job-file.js';
import type { JobSpec } from '../jobs/job-file.js';
import type { DatabaseAccess, RunOutcome } from '../jobs/run-job.js';
import type { Logger } from '../logger.js';

export interface ScheduleRequest {
  /** the folder of job files (default: jobs) */
  readonly jobsDir?: string;
  /** the folder every output stays inside (default: data/out beside the jobs folder) */
  readonly outputRoot?: string;
  /** how long a running job may finish after `stop` before it is abandoned (default 60 s) */
  readonly graceMs?: number;
  readonly onStarted?: (jobs: ReadonlyArray<{ job: JobSpec; next: Date | null }>) => void;
  readonly onRun?: (outcome: RunOutcome) => void;
  /** a job file that cannot be read is skipped, the others still run */
  readonly onJobFileError?: (file: string, message: string) => void;
  /**
   * Runs each use of the database (a run, the catch-up look-up, recording skipped runs) as one turn
   * of the caller's queue: a web server sharing its one connection keeps its requests out of a run.
   */
  readonly takeTurn?: (work: () => Promise<void>) => Promise<void>;
}

/** A database access whose every opening waits for a turn and holds it until released. */
function takingTurns(access: DatabaseAccess, takeTurn: (work: () => Promise<void>) => Promise<void>): DatabaseAccess {
  return {
    path: access.path,
    open: () => new Promise((resolve, reject) => {
      void takeTurn(() => new Promise<void>((turnOver) => {
        access.open().then(
          ({ db, release }) => resolve({ db, release: async () => { try { await release(); } finally { turnOver(); } } }),
          (error: unknown) => { reject(error); turnOver(); },
        );
      })).catch(reject);
    }),
  };
}

export interface RunningSchedule {
  /** resolves when the scheduler has stopped */
  readonly done: Promise<void>;
  /** first call: no new runs, the running one may finish within the grace period; second call: abandon it */
  stop(reason: string): void;
}

export function startSchedule(
  request: ScheduleRequest, context: { database: DatabaseAccess; logger: Logger; exportSettings: Omit<ExportSettings, 'signal' | 'inputs'> },
): RunningSchedule {
  const jobsDir = resolve(request.jobsDir ?? 'jobs');
  let stopRequested: string | undefined;
  let scheduler: { stop(reason: string): void } | undefined;
  const done = (async () => {
    const { Scheduler } = await import('../jobs/scheduler.js');
    const database = request.takeTurn ? takingTurns(context.database, request.takeTurn) : context.database;
    const running = new Scheduler({
      ...context, database, jobsDir, outputRoot: request.outputRoot ?? defaultOutputRoot(jobsDir), graceMs: request.graceMs ?? 60_000,
      onStarted: request.onStarted, onRun: request.onRun, onJobFileError: request.onJobFileError,
    });
    scheduler = running;
    if (stopRequested !== undefined) running.stop(stopRequested);
    await running.run();
  })();
  return {
    done,
    stop(reason) {
      if (scheduler) scheduler.stop(reason);
      else stopRequested = reason;
    },
  };
}
