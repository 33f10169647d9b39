import cron, { type ScheduledTask } from 'node-cron';
import type { ExportSettings } from '../export/export-segment.js';
import { KumiwakeError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { processIsAlive } from '../processes.js';
import { RunHistory, type RunTrigger } from './history.js';
import { listJobFiles, loadJob, sharedOutputs, sharedOutputWarning, type JobSpec } from './job-file.js';
import { SchedulerLock } from './job-lock.js';
import { wallClock } from './local-time.js';
import { latestMissedOccurrence } from './missed-runs.js';
import { runJob, type DatabaseAccess, type RunOutcome } from './run-job.js';

export interface SchedulerOptions {
  /** opens the database for each run only (so imports and other commands can use it between runs) */
  readonly database: DatabaseAccess;
  readonly jobsDir: string;
  /** the folder every job output stays inside */
  readonly outputRoot: string;
  /** how long a running job may finish after a stop request before it is abandoned */
  readonly graceMs: number;
  readonly logger?: Logger;
  readonly exportSettings?: Omit<ExportSettings, 'signal' | 'inputs'>;
  /** a job file that cannot be read is skipped (the others still run); told here */
  readonly onJobFileError?: (file: string, message: string) => void;
  readonly onStarted?: (jobs: ReadonlyArray<{ job: JobSpec; next: Date | null }>) => void;
  readonly onRun?: (outcome: RunOutcome) => void;
}

interface QueuedRun {
  readonly job: JobSpec;
  readonly trigger: RunTrigger;
  readonly scheduledFor: string;
}

/**
 * `kumiwake schedule`: one cron task per job; runs go through one queue, one at a time (DuckDB
 * has one writer), and a job already queued or running is not queued again (recorded as
 * skipped). The database is opened per run only, so imports and ad-hoc commands can use it
 * between runs. `stop()` lets the running job finish within the grace period, then abandons it.
 * One scheduler per database (`SchedulerLock`): a second one is refused while the first lives.
 */
export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly queue: QueuedRun[] = [];
  private running: { name: string; abort: AbortController; done: Promise<void> } | undefined;
  private stopping = false;
  private idle: (() => void) | undefined;
  private readonly skips: Array<QueuedRun> = [];

  private readonly log: Logger;

  constructor(private readonly options: SchedulerOptions) {
    this.log = options.logger ?? silentLogger;
  }

  /**
   * Loads the jobs, queues missed runs per their policy, starts the cron tasks; resolves when
   * stopped. Refuses to start (`scheduler-running`) while another scheduler runs on the database.
   */
  async run(): Promise<void> {
    const lock = SchedulerLock.acquire(this.options.database.path);
    if ('heldBy' in lock) {
      throw new KumiwakeError('scheduler-running',
        `a scheduler is already running on ${this.options.database.path}${lock.heldBy > 0 ? ` (process ${lock.heldBy})` : ''}; stop it first (one scheduler per database)`, 1);
    }
    try {
      const jobs = this.loadJobs();
      await this.queueMissedRuns(jobs);
      // Stopped while starting up: no tasks; a catch-up run already going ends as stop() says.
      for (const job of this.stopping ? [] : jobs) {
        const task = cron.schedule(job.schedule!, (context) => this.enqueue({ job, trigger: 'schedule', scheduledFor: wallClock(context.date, job.timezone) }), {
          timezone: job.timezone, name: job.name,
        });
        this.tasks.push(task);
      }
      if (!this.stopping) this.options.onStarted?.(jobs.map((job, i) => ({ job, next: this.tasks[i]!.getNextRun() })));
      const idle = new Promise<void>((resolve) => (this.idle = resolve));
      this.pump();
      if (this.stopping && !this.running) return;
      await idle;
    } finally {
      lock.release();
    }
  }

  /** First call: no new runs, the running one may finish within the grace period. Second call: abandon it now. */
  stop(reason: string): void {
    if (this.stopping) {
      this.running?.abort.abort(reason);
      return;
    }
    this.stopping = true;
    for (const task of this.tasks) void task.stop();
    this.queue.length = 0;
    this.log.info({ reason, running: this.running?.name }, 'scheduler stopping');
    if (!this.running) return this.idle?.();
    const timer = setTimeout(() => this.running?.abort.abort(`${reason}, grace period over`), this.options.graceMs);
    void this.running.done.finally(() => clearTimeout(timer));
  }

  private loadJobs(): JobSpec[] {
    const jobs: JobSpec[] = [];
    for (const file of listJobFiles(this.options.jobsDir)) {
      try {
        const job = loadJob(file);
        if (!job.enabled) this.log.info({ job: job.name }, 'job disabled: not scheduled');
        else if (job.schedule === undefined) this.log.info({ job: job.name }, 'job has no schedule: run it with kumiwake run');
        else jobs.push(job);
      } catch (error) {
        // One bad job file never stops the others; it is fixed and picked up at the next start.
        this.log.info({ file, err: (error as Error).message }, 'job file not scheduled');
        this.options.onJobFileError?.(file, (error as Error).message);
      }
    }
    for (const shared of sharedOutputs(jobs, this.options.outputRoot)) this.log.warn({ path: shared.path, jobs: shared.jobs }, sharedOutputWarning(shared));
    return jobs;
  }

  /**
   * A job with `missed: "run-latest"` whose latest occurrence passed unrun while we were down runs
   * once now. An occurrence whose run was interrupted or killed (left `running` by a process that
   * is gone, marked `interrupted` here first) counts as unrun.
   */
  private async queueMissedRuns(jobs: readonly JobSpec[]): Promise<void> {
    // Looked up first and queued after the database is closed: a run opens it itself, and one
    // process must never hold two instances of the same file.
    const missed: QueuedRun[] = [];
    const { db, release } = await this.options.database.open();
    try {
      const history = new RunHistory(db);
      const closed = await history.closeAbandonedRuns(processIsAlive);
      if (closed > 0) this.log.info({ runs: closed }, 'runs left running by a process that is gone marked interrupted');
      for (const job of jobs.filter((j) => j.missed === 'run-latest')) {
        if ((await history.lastScheduledFor(job.name)) === undefined) continue; // never scheduled before: nothing was missed
        const handled = await history.lastScheduledFor(job.name, { handled: true });
        const occurrence = latestMissedOccurrence(job.schedule!, job.timezone, handled ?? '', new Date());
        if (occurrence) missed.push({ job, trigger: 'catch-up', scheduledFor: occurrence });
      }
    } finally {
      await release();
    }
    for (const run of missed) {
      this.log.info({ job: run.job.name, scheduledFor: run.scheduledFor }, 'catching up a run missed while the scheduler was down');
      this.enqueue(run);
    }
  }

  private enqueue(run: QueuedRun): void {
    if (this.stopping) return;
    if (this.running?.name === run.job.name || this.queue.some((q) => q.job.name === run.job.name)) {
      this.log.warn({ job: run.job.name, scheduledFor: run.scheduledFor }, 'job still running or queued: this occurrence is skipped');
      this.skips.push(run);
    } else {
      this.queue.push(run);
    }
    this.pump();
  }

  private pump(): void {
    if (this.running) return;
    const next = this.queue.shift();
    if (!next) {
      if (this.skips.length > 0) return void this.recordSkips();
      if (this.stopping) this.idle?.();
      return;
    }
    const abort = new AbortController();
    const done = runJob(next.job.file, {
      database: this.options.database, trigger: next.trigger, scheduledFor: next.scheduledFor, signal: abort.signal,
      outputRoot: this.options.outputRoot, logger: this.log, exportSettings: this.options.exportSettings,
    })
      .then((outcome) => this.options.onRun?.(outcome))
      .catch((error) => this.log.error({ job: next.job.name, err: (error as Error).message }, 'job run could not be recorded'))
      .finally(() => {
        this.running = undefined;
        this.pump();
      });
    this.running = { name: next.job.name, abort, done };
  }

  /** Skipped occurrences go into the history once the database is free. */
  private recordSkips(): void {
    const skips = this.skips.splice(0);
    const record = async () => {
      const { db, release } = await this.options.database.open();
      try {
        const history = new RunHistory(db);
        for (const s of skips) {
          await history.start({ job: s.job.name, segment: s.job.segment ?? null, trigger: s.trigger, scheduledFor: s.scheduledFor, status: 'skipped', error: 'the previous run of this job was still running' });
        }
      } finally {
        await release();
      }
    };
    const done = record()
      .catch((error) => this.log.error({ err: (error as Error).message }, 'skipped runs could not be recorded'))
      .finally(() => {
        this.running = undefined;
        this.pump();
      });
    this.running = { name: '(history)', abort: new AbortController(), done };
  }
}
