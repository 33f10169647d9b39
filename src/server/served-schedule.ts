import type { Logger, RunningSchedule, Workspace } from '../index.js';
import type { OneAtATime } from './one-at-a-time.js';

export interface SchedulerState {
  /** whether the jobs folder's scheduler runs inside this server (`kumiwake serve --schedule`) */
  readonly enabled: boolean;
  readonly running: boolean;
  /** the jobs it schedules (enabled, with a schedule) */
  readonly jobs: readonly string[];
  /** why it is not running (another scheduler holds the database, …) */
  readonly error?: string;
}

/**
 * `kumiwake serve --schedule`: the jobs folder's scheduler inside the server. The server holds the
 * database for its lifetime, so a `kumiwake schedule` process beside it could never open it; here
 * every run takes a turn on the server's one connection. The scheduler reads the job files when it
 * starts, so saving or deleting a job from the page restarts it (a running job finishes first,
 * within the scheduler's grace period); occurrences it handled are in the history, so a restart
 * catches up nothing that already ran.
 */
export class ServedSchedule {
  private current: RunningSchedule | undefined;
  private state: SchedulerState = { enabled: true, running: false, jobs: [] };
  private changes: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly workspace: Workspace,
    private readonly turns: OneAtATime,
    private readonly options: { jobsDir?: string; outputRoot?: string; logger: Logger },
  ) {}

  get status(): SchedulerState {
    return this.state;
  }

  /** Starts the scheduler, or restarts it to read the job files again; one change at a time. */
  restart(): Promise<void> {
    this.changes = this.changes.then(async () => {
      await this.halt('the jobs changed');
      if (!this.closed) await this.begin();
    });
    return this.changes;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.changes = this.changes.then(() => this.halt('the server is stopping'));
    await this.changes;
  }

  /** Resolves once the scheduler has read the jobs (or could not start). */
  private begin(): Promise<void> {
    const log = this.options.logger;
    let started!: () => void;
    const ready = new Promise<void>((resolve) => (started = resolve));
    const running = this.workspace.schedule({
      jobsDir: this.options.jobsDir, outputRoot: this.options.outputRoot,
      takeTurn: (work) => this.turns.run(undefined, work),
      onStarted: (jobs) => {
        this.state = { enabled: true, running: true, jobs: jobs.map((j) => j.job.name) };
        log.info({ jobs: this.state.jobs }, 'scheduling the jobs folder inside the server');
        started();
      },
      onRun: (outcome) => log.info({ job: outcome.job, runId: outcome.runId, status: outcome.status }, 'scheduled job run'),
      onJobFileError: (file, message) => log.warn({ file, err: message }, 'job file not scheduled'),
    });
    this.current = running;
    running.done.then(
      () => { this.state = { ...this.state, running: false }; },
      (error: Error & { code?: string }) => {
        // No jobs folder yet: nothing to schedule until the page saves the first job.
        this.state = { enabled: true, running: false, jobs: [], ...(error.code === 'jobs-missing' ? {} : { error: error.message }) };
        if (error.code !== 'jobs-missing') log.warn({ err: error.message }, 'the scheduler stopped');
        started();
      },
    );
    return ready;
  }

  private async halt(reason: string): Promise<void> {
    const running = this.current;
    this.current = undefined;
    if (!running) return;
    running.stop(reason);
    await running.done.catch(() => undefined);
  }
}
