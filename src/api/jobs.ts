import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { KumiwakeError } from '../errors.js';
import type { InputNames } from '../input-names.js';

/** A job file's fault with the JSON path it names (`outputs[0].format`), as a definition's faults are given. */
export interface JobFault {
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

/** A job file refused: `faults` hold the path in the job's JSON of what is wrong. */
export class JobFileError extends KumiwakeError {
  constructor(readonly faults: readonly JobFault[]) {
    super('job-invalid', faults.map((f) => `${f.path}: ${f.message}`).join('\n'), 2);
    this.name = 'JobFileError';
  }
}

/** One job of the folder: its JSON as written, when it runs next, or why it cannot be read. */
export interface JobEntry {
  readonly name: string;
  /** the job file's JSON as it is on disk (undefined when it is not JSON) */
  readonly job?: Record<string, unknown>;
  /** the next five occurrences (`YYYY-MM-DD HH:MM` in the job's zone) of an enabled, scheduled job */
  readonly next: readonly string[];
  /** why `run` would refuse the file */
  readonly fault?: string;
  /** other scheduled jobs of the folder write a file this one writes: the sentences `schedule` logs (enabled jobs with a schedule) */
  readonly sharedOutputs?: readonly string[];
}

export interface JobFolderOptions {
  /** the folder of job files (default: jobs) */
  readonly jobsDir?: string;
  /** the folder job outputs go to (default: data/out beside the jobs folder), for the shared-output warnings */
  readonly outputRoot?: string;
  /** how the caller lists the saved segments, said when a job names one that does not exist (default `kumiwake segments list`) */
  readonly names?: InputNames;
}

/** As the scheduler names a job: the file name without `.json` (job-file.ts). */
const JOB_NAME = /^[\p{L}\p{N}][\p{L}\p{N}_.\-]{0,99}$/u;
export const NEXT_RUNS = 5;

function checkName(name: string): void {
  if (!JOB_NAME.test(name)) {
    throw new JobFileError([{ code: 'job-name', path: 'name', message: `"${name}" is not a job name: letters, digits, "_", "." and "-", starting with a letter or digit` }]);
  }
}

/**
 * The job files of a folder, as `kumiwake run` and `kumiwake schedule` read them: a job is saved
 * only after `loadJob` (run's own reader) accepts it from a file beside the folder, then renamed
 * into place, so the scheduler never sees a half-written or refused job.
 */
export class JobFolder {
  readonly dir: string;
  private readonly outputRoot: string | undefined;

  constructor(
    options: JobFolderOptions,
    private readonly segmentExists: (name: string) => Promise<unknown>,
    private readonly assertWritable: (what: string) => void,
  ) {
    this.dir = resolve(options.jobsDir ?? 'jobs');
    this.outputRoot = options.outputRoot;
  }

  /** The folder the jobs' outputs stay inside: the one given, else data/out beside the jobs folder (as `run` decides). */
  async outputDir(): Promise<string> {
    const { defaultOutputRoot } = await import('../jobs/job-file.js');
    return resolve(this.outputRoot ?? defaultOutputRoot(this.dir));
  }

  async list(): Promise<JobEntry[]> {
    const files = await this.files();
    return this.withSharedOutputs(await Promise.all(files.map((file) => this.entry(file))), files);
  }

  private async files(): Promise<string[]> {
    const { listJobFiles } = await import('../jobs/job-file.js');
    try {
      return listJobFiles(this.dir);
    } catch (error) {
      if ((error as KumiwakeError).code === 'jobs-missing') return []; // no job saved yet
      throw error;
    }
  }

  /**
   * Output files several of these jobs write (names in this folder or job files; a job file `run`
   * would refuse is left out: its run fails anyway), with the warning `schedule` logs. `together`:
   * run by one `kumiwake run`, so `{time}` is alike for all; else the jobs `schedule` runs (enabled,
   * with a schedule), `{time}` alike for those of one schedule, as `schedule` warns.
   */
  async sharedOutputs(jobs: readonly string[], options: { together: boolean }): Promise<Array<{ readonly jobs: readonly string[]; readonly message: string }>> {
    const { defaultOutputRoot, jobFileFor, loadJob, sharedOutputs, sharedOutputWarning } = await import('../jobs/job-file.js');
    const specs = jobs.flatMap((job) => {
      try {
        const spec = loadJob(jobFileFor(job, this.dir));
        if (options.together) return [{ ...spec, schedule: undefined }];
        return spec.enabled && spec.schedule !== undefined ? [spec] : [];
      } catch {
        return [];
      }
    });
    return sharedOutputs(specs, this.outputRoot ?? defaultOutputRoot(this.dir)).map((shared) => ({ jobs: shared.jobs, message: sharedOutputWarning(shared) }));
  }

  async show(name: string): Promise<JobEntry> {
    const [entry] = await this.withSharedOutputs([await this.entry(this.fileFor(name))], await this.files());
    return entry!;
  }

  /** The entries with the warnings of files other jobs of the folder (`files`) write too, as `schedule` gives them. */
  private async withSharedOutputs(entries: JobEntry[], files: readonly string[]): Promise<JobEntry[]> {
    const warnings = await this.sharedOutputs(files.map((file) => basename(file, '.json')), { together: false });
    return entries.map((e) => {
      const mine = warnings.filter((w) => w.jobs.includes(e.name)).map((w) => w.message);
      return mine.length === 0 ? e : { ...e, sharedOutputs: mine };
    });
  }

  /**
   * Writes a job file (a new name, or over one with `force`). Refused with the JSON path of
   * the fault when `run` would refuse it, or when it names a saved segment that does not exist.
   */
  async save(name: string, job: unknown, options: { force?: boolean } = {}): Promise<JobEntry> {
    this.assertWritable('save jobs');
    const target = this.fileFor(name);
    if (job === null || typeof job !== 'object' || Array.isArray(job)) throw new JobFileError([{ code: 'job-invalid', path: '(top level)', message: 'a job is a JSON object' }]);
    if (!options.force && this.exists(target)) throw new KumiwakeError('job-exists', `a job named ${name} exists already (save over it, or choose another name)`);
    mkdirSync(this.dir, { recursive: true });
    // The scheduler lists *.json of the folder only: a job being checked in a subfolder is never picked up.
    const staging = mkdtempSync(join(this.dir, '.saving-'));
    try {
      const staged = join(staging, `${name}.json`);
      writeFileSync(staged, `${JSON.stringify(job, null, 2)}\n`);
      const { loadJob } = await import('../jobs/job-file.js');
      try {
        loadJob(staged);
      } catch (error) {
        throw jobFault(error, staged);
      }
      const segment = (job as { segment?: unknown }).segment;
      if (typeof segment === 'string') {
        await this.segmentExists(segment).catch((error: KumiwakeError) => {
          throw new JobFileError([{ code: error.code ?? 'segment-unknown', path: 'segment', message: error.message }]);
        });
      }
      renameSync(staged, target);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    return (await this.withSharedOutputs([await this.entry(target)], await this.files()))[0]!;
  }

  async delete(name: string): Promise<void> {
    this.assertWritable('delete jobs');
    const file = this.fileFor(name);
    if (!this.exists(file)) throw new KumiwakeError('job-missing', `no job named ${name} in ${this.dir}`);
    rmSync(file);
  }

  /** The next occurrences of a cron schedule, as the scheduler computes them (refused as `run` refuses a bad one). */
  async nextRuns(schedule: string, timezone = 'Asia/Tokyo', count = NEXT_RUNS): Promise<string[]> {
    const [{ default: cron }, { nextOccurrences }] = await Promise.all([import('node-cron'), import('../jobs/next-runs.js')]);
    const check = cron.validateDetailed(schedule);
    if (!check.valid) throw new JobFileError([{ code: 'job-invalid', path: 'schedule', message: `"${schedule}" is not a cron schedule: ${check.errors.map((e) => e.message).join('; ')}` }]);
    try {
      new Intl.DateTimeFormat('en', { timeZone: timezone });
    } catch {
      throw new JobFileError([{ code: 'job-invalid', path: 'timezone', message: `"${timezone}" is not a time zone (e.g. Asia/Tokyo)` }]);
    }
    return nextOccurrences(schedule, timezone, count);
  }

  /**
   * The file of the job `name` in this folder (the name checked first). Runs take it rather than
   * the name, which would be read as a path when it ends in `.json` (`weekly.json` would run
   * ./weekly.json, not jobs/weekly.json.json).
   */
  fileFor(name: string): string {
    checkName(name);
    return join(this.dir, `${name}.json`);
  }

  private exists(file: string): boolean {
    try {
      readFileSync(file);
      return true;
    } catch {
      return false;
    }
  }

  private async entry(file: string): Promise<JobEntry> {
    const name = file.slice(this.dir.length + 1).replace(/\.json$/i, '');
    let job: Record<string, unknown> | undefined;
    try {
      job = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new KumiwakeError('job-missing', `no job named ${name} in ${this.dir}`);
    }
    const { loadJob } = await import('../jobs/job-file.js');
    try {
      const spec = loadJob(file);
      const next = spec.enabled && spec.schedule !== undefined ? await this.nextRuns(spec.schedule, spec.timezone) : [];
      return { name, job, next };
    } catch (error) {
      return { name, job, next: [], fault: (error as Error).message };
    }
  }
}

/** loadJob's `FILE: PATH: message` as a fault at PATH (the staging file's name means nothing to the user). */
function jobFault(error: unknown, file: string): unknown {
  if (!(error instanceof KumiwakeError)) return error;
  // The reader's every fault (job-faults.ts JobFaults), each with its path.
  const faults = (error as { faults?: ReadonlyArray<{ path: string; message: string }> }).faults;
  if (error.name === 'JobFaults' && faults) return new JobFileError(faults.map((f) => ({ code: error.code, path: f.path === '(file name)' ? 'name' : f.path, message: f.message })));
  const rest = error.message.startsWith(`${file}: `) ? error.message.slice(file.length + 2) : error.message;
  const match = /^((?:\(top level\)|\(file name\)|[\w$]+(?:\[\d+\]|\.[\w$]+)*)): (.*)$/s.exec(rest);
  const path = match?.[1] === '(file name)' ? 'name' : match?.[1] ?? '(top level)';
  return new JobFileError([{ code: error.code, path, message: match?.[2] ?? rest }]);
}
