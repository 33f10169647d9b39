import type { Kysely } from 'kysely';
import type { Engine } from '../engine/engine.js';
import { utcText, type JobRunRow, type Tables } from '../engine/tables.js';
import { processIsAlive } from '../processes.js';
import type { CountResult } from '../segments/evaluate.js';
import type { SegmentWarning } from '../segments/warnings.js';
import type { MemberChanges } from './run-members.js';

export type RunStatus = JobRunRow['status'];
export type RunTrigger = JobRunRow['trigger'];

/** A run as `kumiwake history --json` prints it. */
export interface RunRecord {
  readonly runId: number;
  readonly job: string;
  readonly segment: string | null;
  readonly trigger: RunTrigger;
  readonly scheduledFor: string | null;
  readonly asOf: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: RunStatus;
  readonly count: number | null;
  readonly reachable: { readonly email: number; readonly line: number; readonly dm: number } | null;
  readonly files: readonly string[];
  readonly error: string | null;
  /** the statement that failed, when a run failed in the engine */
  readonly failedQuery: { readonly sql: string; readonly parameters: unknown } | null;
  /** what the segment named that the data did not hold (src/segments/warnings.ts); a strict run failed on them */
  readonly warnings: readonly SegmentWarning[];
  /** the run `entered` and `left` compare with: the job's previous succeeded run of the segment whose members were kept */
  readonly comparedWith: number | null;
  /** customers in this run and not in the one compared with; null for a run without one (the first) */
  readonly entered: number | null;
  /** customers in the run compared with and not in this one */
  readonly left: number | null;
  /** whether the run's members are stored (a succeeded run within its job's keepMembers): what `diff` reads */
  readonly membersKept: boolean;
}

/** UTC wall-clock text for a TIMESTAMP column. */
const iso = (value: string | Date | null) => (value === null ? null : value instanceof Date ? value.toISOString() : value);
const num = (value: bigint | number | null) => (value === null ? null : Number(value));
/** Parameters as JSON (bigints as numbers, dates as ISO text); long lists shortened. */
const jsonText = (parameters: readonly unknown[]) =>
  JSON.stringify(parameters.map((p) => (Array.isArray(p) && p.length > 100 ? [...p.slice(0, 100), `… ${p.length - 100} more`] : p)),
    (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value));

const ABANDONED = 'the process running it stopped before it finished';

/** The run history (job_runs): a row when a run starts, completed when it ends. */
export class RunHistory {
  private readonly k: Kysely<Tables>;
  constructor(private readonly db: Engine) {
    this.k = db.kysely();
  }

  async start(run: { job: string; segment: string | null; trigger: RunTrigger; scheduledFor?: string; asOf?: string; status?: RunStatus; error?: string }): Promise<number> {
    const now = utcText(new Date());
    const finished = run.status !== undefined && run.status !== 'running';
    const row = await this.k
      .insertInto('job_runs')
      .values({
        job: run.job, segment: run.segment, trigger: run.trigger,
        scheduled_for: run.scheduledFor ?? null,
        as_of: run.asOf ?? null, started_at: now, finished_at: finished ? now : null,
        status: run.status ?? 'running', count: null, reachable_email: null, reachable_line: null, reachable_dm: null,
        files: null, error: run.error ?? null, pid: process.pid,
      })
      .returning('run_id')
      .executeTakeFirstOrThrow();
    return Number(row.run_id);
  }

  async finish(runId: number, outcome: {
    status: RunStatus; segment?: string; asOf?: string; counted?: CountResult; files: readonly string[]; error?: string;
    failedQuery?: { sql: string; parameters: readonly unknown[] };
    /** default: the count's warnings */
    warnings?: readonly SegmentWarning[];
    /** a succeeded run whose members were stored (in the same transaction), with who entered and left */
    members?: MemberChanges;
  }): Promise<void> {
    const warnings = outcome.warnings ?? outcome.counted?.warnings ?? [];
    await this.k
      .updateTable('job_runs')
      .set({
        finished_at: utcText(new Date()),
        status: outcome.status,
        ...(outcome.segment !== undefined ? { segment: outcome.segment } : {}),
        ...(outcome.asOf !== undefined ? { as_of: outcome.asOf } : {}),
        count: outcome.counted?.count ?? null,
        reachable_email: outcome.counted?.reachable.email ?? null,
        reachable_line: outcome.counted?.reachable.line ?? null,
        reachable_dm: outcome.counted?.reachable.dm ?? null,
        // An empty JS array cannot be bound (its element type is unknown): no files is NULL.
        files: outcome.files.length > 0 ? [...outcome.files] : null,
        error: outcome.error ?? null,
        error_sql: outcome.failedQuery?.sql ?? null,
        error_parameters: outcome.failedQuery ? jsonText(outcome.failedQuery.parameters) : null,
        warnings: warnings.length > 0 ? JSON.stringify(warnings) : null,
        ...(outcome.members ? {
          members_kept: true, compared_run: outcome.members.comparedRun, entered_count: outcome.members.entered, left_count: outcome.members.left,
        } : {}),
      })
      .where('run_id', '=', BigInt(runId))
      .execute();
  }

  /** Runs left 'running' by a process that is gone (killed, machine down) are marked interrupted. */
  async closeAbandonedRuns(isAlive: (pid: number) => boolean): Promise<number> {
    const open = await this.k.selectFrom('job_runs').select(['run_id', 'pid']).where('status', '=', 'running').execute();
    const abandoned = open.filter((r) => r.pid === null || (r.pid !== process.pid && !isAlive(r.pid)));
    for (const run of abandoned) {
      await this.k.updateTable('job_runs')
        .set({ status: 'interrupted', finished_at: utcText(new Date()), error: ABANDONED })
        .where('run_id', '=', run.run_id).execute();
    }
    return abandoned.length;
  }

  /**
   * The latest cron occurrence a job was run (or skipped) for: local time text, `YYYY-MM-DD HH:MM`.
   * `handled`: only occurrences whose run ended (succeeded, failed or skipped); one whose run was
   * interrupted (or killed, still `running`) did not produce its outputs and may be made up.
   */
  async lastScheduledFor(job: string, options: { handled?: boolean } = {}): Promise<string | undefined> {
    let query = this.k.selectFrom('job_runs').select((eb) => eb.fn.max('scheduled_for').as('latest')).where('job', '=', job);
    if (options.handled) query = query.where('status', 'in', ['succeeded', 'failed', 'skipped']);
    const row = await query.executeTakeFirst();
    const latest = row?.latest as Date | null | undefined;
    return latest ? utcText(latest).slice(0, 16) : undefined;
  }

  /**
   * Runs as recorded, oldest first. A run still `running` whose process is gone (killed) reads as
   * `interrupted`, as the next command that writes will record it (a reader cannot record it).
   */
  /** The jobs and segments with a recorded run, sorted (for a name given that has none). */
  async names(): Promise<{ jobs: string[]; segments: string[] }> {
    if (!(await this.db.hasTable('job_runs'))) return { jobs: [], segments: [] };
    const rows = await this.k.selectFrom('job_runs').select(['job', 'segment']).distinct().execute();
    const sorted = (values: Array<string | null>) => [...new Set(values.filter((v): v is string => v !== null))].sort();
    return { jobs: sorted(rows.map((r) => r.job)), segments: sorted(rows.map((r) => r.segment)) };
  }

  async list(filter: { job?: string; segment?: string; limit?: number }, isAlive: (pid: number) => boolean = processIsAlive): Promise<RunRecord[]> {
    if (!(await this.db.hasTable('job_runs'))) return []; // a database from before jobs, opened read-only
    let query = this.k.selectFrom('job_runs').selectAll();
    if (filter.job) query = query.where('job', '=', filter.job);
    if (filter.segment) query = query.where('segment', '=', filter.segment);
    const rows = await query.orderBy('run_id', 'desc').limit(filter.limit ?? 50).execute();
    const abandoned = (r: (typeof rows)[number]) => r.status === 'running' && (r.pid === null || (r.pid !== process.pid && !isAlive(r.pid)));
    return rows.reverse().map((row) => (abandoned(row) ? { ...row, status: 'interrupted' as const, error: ABANDONED } : row)).map((r) => ({
      runId: Number(r.run_id), job: r.job, segment: r.segment, trigger: r.trigger,
      scheduledFor: iso(r.scheduled_for)?.replace(/\.000Z$|Z$/, '') ?? null,
      asOf: r.as_of === null ? null : iso(r.as_of)!.slice(0, 10),
      startedAt: iso(r.started_at)!, finishedAt: iso(r.finished_at), status: r.status, count: num(r.count),
      reachable: r.count === null ? null : { email: num(r.reachable_email)!, line: num(r.reachable_line)!, dm: num(r.reachable_dm)! },
      files: r.files ?? [], error: r.error,
      failedQuery: r.error_sql ? { sql: r.error_sql, parameters: r.error_parameters ? JSON.parse(r.error_parameters) as unknown : [] } : null,
      warnings: r.warnings ? JSON.parse(r.warnings) as SegmentWarning[] : [],
      // A database from before member sets, opened read-only, has none of these columns.
      comparedWith: num(r.compared_run ?? null), entered: num(r.entered_count ?? null), left: num(r.left_count ?? null), membersKept: r.members_kept === true,
    }));
  }
}
