import { basename } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { QueryError } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import { writeExport, type ExportSettings } from '../export/export-segment.js';
import { MEMBERS_TABLE, membersTableOf } from '../export/select.js';
import { InterruptedError } from '../interrupt.js';
import { silentLogger, type Logger } from '../logger.js';
import { formatDate, parseLocalDate, type LocalDate } from '../model/dates.js';
import { processIsAlive } from '../processes.js';
import { materializeMembers, type CountResult } from '../segments/evaluate.js';
import { SegmentStore } from '../segments/store.js';
import { StrictWarningsError } from '../segments/warnings.js';
import { RunHistory, type RunStatus, type RunTrigger } from './history.js';
import { JobLock } from './job-lock.js';
import { assertInsideOutputRoot, customersOf, loadJob, outputFor, segmentNameOf, type JobSpec } from './job-file.js';
import { expireMembers, RunMembers, type MemberChanges, type OutputRows } from './run-members.js';
import { wallClock } from './local-time.js';

/** How a run reaches the database: an engine opened for the run, or one already open. */
export interface DatabaseAccess {
  /** the database file: job locks are per database */
  readonly path: string;
  /** `release` resolves once the database is closed: the next opening in this process must not race its close. */
  open(): Promise<{ readonly db: Engine; release(): Promise<void> }>;
}

export interface RunOptions {
  readonly database: DatabaseAccess;
  readonly trigger: RunTrigger;
  /** the cron occurrence this run is for, local time in the job's zone (`YYYY-MM-DD HH:MM`) */
  readonly scheduledFor?: string;
  /** default: the scheduled occurrence's date, else today in the job's zone */
  readonly asOf?: LocalDate;
  readonly signal?: AbortSignal;
  /** the folder every output of the job must stay inside */
  readonly outputRoot: string;
  readonly logger?: Logger;
  /** warnings fail the run, as the job file's `"strict": true` does */
  readonly strict?: boolean;
  /** how outputs are written (memory limit, progress, rows per Excel sheet) */
  readonly exportSettings?: Omit<ExportSettings, 'signal' | 'inputs'>;
}

export interface RunOutcome {
  readonly job: string;
  readonly runId?: number;
  readonly status: RunStatus;
  readonly asOf?: string;
  readonly counted?: CountResult;
  /** who entered and left since the run compared with (`comparedWith`); absent for a first run */
  readonly comparedWith?: number;
  readonly entered?: number;
  readonly left?: number;
  readonly files: readonly string[];
  readonly error?: unknown;
}

/** Why a run failed, as the history keeps it: the planner's or importer's own message. */
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
/** A failed statement is kept with the run, so the history says exactly what ran. */
const failedQueryOf = (error: unknown) => (error instanceof QueryError ? { sql: error.sql, parameters: error.parameters } : undefined);

/**
 * Runs one job: evaluates its segment once, writes every output (each whole or not at all) and
 * records the run. Never throws for a fault of the job itself: a bad job file, an invalid
 * segment or a failed output is recorded in the history and returned.
 */
export async function runJob(jobFile: string, options: RunOptions): Promise<RunOutcome> {
  const name = basename(jobFile).replace(/\.json$/i, '');
  let job: JobSpec;
  try {
    job = loadJob(jobFile);
  } catch (error) {
    return recordUnrunnable(name, options, 'failed', error);
  }
  const lock = JobLock.acquire(options.database.path, job.name);
  if ('heldBy' in lock) {
    const error = new KumiwakeError('job-running', `job ${job.name} is already running (process ${lock.heldBy}); this run was skipped`, 1);
    return recordUnrunnable(job.name, options, 'skipped', error, job.segment);
  }
  try {
    return await runLocked(job, options);
  } finally {
    lock.release();
  }
}

async function runLocked(job: JobSpec, options: RunOptions): Promise<RunOutcome> {
  const asOf = options.asOf ?? parseLocalDate((options.scheduledFor ?? wallClock(new Date(), job.timezone)).slice(0, 10))!;
  const time = (options.scheduledFor ?? wallClock(new Date(), job.timezone)).slice(11, 16).replace(':', '');
  const log = options.logger ?? silentLogger;
  const { db, release } = await options.database.open();
  const files: string[] = [];
  let runId: number | undefined;
  let counted: CountResult | undefined;
  let segment = job.segment ?? null;
  try {
    const history = new RunHistory(db);
    await history.closeAbandonedRuns(processIsAlive);
    runId = await history.start({ job: job.name, segment, trigger: options.trigger, scheduledFor: options.scheduledFor, asOf: formatDate(asOf) });
    try {
      const store = await SegmentStore.load(db);
      const definition: unknown = job.segment !== undefined ? store.require(job.segment).definition : job.definition;
      segment ??= segmentNameOf(job);
      counted = await materializeMembers(db, definition, store, asOf, MEMBERS_TABLE, log, { strict: job.strict || options.strict === true });
      const members = await RunMembers.capture(db, { job: job.name, segment, runId });
      for (let i = 0; i < job.outputs.length; i++) {
        if (options.signal?.aborted) throw new InterruptedError(String(options.signal.reason));
        const output = outputFor(job, i, { segment, date: formatDate(asOf), time }, options.outputRoot);
        assertInsideOutputRoot(output.path, options.outputRoot, `${job.file}: outputs[${i}].path`);
        const rows = await members.select(customersOf(job.outputs[i]!.rows));
        if (rows === 0 && customersOf(job.outputs[i]!.rows) !== 'members' && members.comparedRun === undefined) {
          log.warn({ job: job.name, output: output.path }, `no earlier run of job ${job.name} for ${segment} (as of ${formatDate(asOf)} or before, members kept) to compare with: outputs[${i}] ("rows": "${job.outputs[i]!.rows}") is written empty`);
        }
        const written = await writeOutput(db, customersOf(job.outputs[i]!.rows), (serverIds) =>
          writeExport(db, output, rows, {
            ...options.exportSettings, logger: log, signal: options.signal, asOf: formatDate(asOf), serverIds,
            givenAt: { columns: `${job.file}: outputs[${i}].columns`, sort: `${job.file}: outputs[${i}].sort` },
          }));
        files.push(written.path);
      }
      const segmentName = segment;
      // The members, the succeeded status and the retention commit together: a run killed before
      // the commit is interrupted and has no member set.
      const changes = await db.transaction(async () => {
        const stored = await members.store(runId!);
        await history.finish(runId!, { status: 'succeeded', segment: segmentName, counted, files, members: stored });
        await expireMembers(db.kysely(), job.name, segmentName, job.keepMembers);
        return stored;
      });
      await members.release();
      log.info({ job: job.name, runId, count: counted.count, ...changesOf(changes), files, ...(counted.warnings.length > 0 ? { warnings: counted.warnings } : {}) }, 'job run succeeded');
      return { job: job.name, runId, status: 'succeeded', asOf: formatDate(asOf), counted, ...changesOf(changes), files };
    } catch (error) {
      const status: RunStatus = error instanceof InterruptedError || options.signal?.aborted ? 'interrupted' : 'failed';
      await history.finish(runId, {
        status, segment: segment ?? undefined, counted, files, error: messageOf(error), failedQuery: failedQueryOf(error),
        warnings: error instanceof StrictWarningsError ? error.warnings : undefined,
      });
      // Info, not error: the caller reports the outcome (the CLI prints it); the JSON log keeps it.
      log.info({ job: job.name, runId, status, err: messageOf(error) }, `job run ${status}`);
      return { job: job.name, runId, status, asOf: formatDate(asOf), counted, files, error };
    }
  } finally {
    await release();
  }
}

/**
 * Writes one output. On a server that keeps the members (ClickHouse), who entered or left was
 * computed in the state file's members table: those ids are sent to the server for the writer.
 */
async function writeOutput<T>(db: Engine, rows: OutputRows, write: (serverIds?: string) => Promise<T>): Promise<T> {
  if (rows === 'members' || membersTableOf(db) === undefined) return write();
  const { sendStateIds, dropServerIds } = await import('../export/clickhouse/state-ids.js');
  const ids = await sendStateIds(db, `SELECT customer_id FROM ${MEMBERS_TABLE}`, false);
  try {
    return await write(ids);
  } finally {
    await dropServerIds(db, ids);
  }
}

const changesOf = (c: MemberChanges) =>
  (c.comparedRun === null ? {} : { comparedWith: c.comparedRun, entered: c.entered ?? 0, left: c.left ?? 0 });

/** A run that could not start (bad job file, already running) is still in the history. */
async function recordUnrunnable(job: string, options: RunOptions, status: RunStatus, error: unknown, segment?: string): Promise<RunOutcome> {
  (options.logger ?? silentLogger).error({ job, status, err: messageOf(error) }, `job run ${status}`);
  const { db, release } = await options.database.open();
  try {
    const runId = await new RunHistory(db).start({ job, segment: segment ?? null, trigger: options.trigger, scheduledFor: options.scheduledFor, status, error: messageOf(error) });
    return { job, runId, status, files: [], error };
  } finally {
    await release();
  }
}
