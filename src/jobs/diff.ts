import { sql } from 'kysely';
import type { Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import { CLI_INPUTS, listedIn, type InputNames } from '../input-names.js';
import type { ExportColumn } from '../export/columns.js';
import { MEMBERS_TABLE } from '../export/select.js';
import { RunHistory, type RunRecord } from './history.js';
import { comparedRunOf } from './run-members.js';

/** Both sides of a diff, one row per customer who changed: `entered` or `left`. */
const DIFF_TABLE = 'kumiwake_diff';

/** The column a diff file leads with: whether the customer entered or left. */
export const CHANGE_COLUMN: ExportColumn = {
  name: 'change', label: '増減', type: 'text', source: { figure: 'm.change' }, valueLabels: { entered: '流入', left: '流出' },
};

export type DiffSide = 'entered' | 'left';

/** The two runs a diff compares: by id, or by default the latest succeeded run and the one it was compared with. */
export interface DiffRuns {
  readonly from: RunRecord;
  readonly to: RunRecord;
}

const fault = (message: string) => new KumiwakeError('diff-unavailable', message, 2);

/** Why a run of the segment has no member set to compare. */
function withoutMembers(run: RunRecord): string {
  if (run.status !== 'succeeded') return `run ${run.runId} ${run.status === 'running' ? 'is still running' : `did not succeed (${run.status})`}: only succeeded runs store their members`;
  return `the members of run ${run.runId} are no longer stored (a job keeps those of its latest "keepMembers" runs, 10 unless its file says otherwise; older runs keep their counts in kumiwake history)`;
}

/**
 * Finds the runs to compare for a segment. `to` defaults to the segment's latest succeeded run
 * (of `from`'s job when `from` is given), `from` to the run `to` was compared with (the previous
 * succeeded run of its job). Every fault is a sentence, exit 2.
 */
export async function diffRuns(db: Engine, request: { segment: string; from?: number; to?: number }, names: InputNames = CLI_INPUTS): Promise<DiffRuns> {
  const { segment } = request;
  const history = new RunHistory(db);
  const runs = await history.list({ segment, limit: Number.MAX_SAFE_INTEGER });
  if (runs.length === 0) throw fault(`no job run of segment ${segment} is recorded${listedIn(names, 'runs', undefined, (command) => `${command} lists the runs and their segments`)}`);
  const byId = (id: number, option: 'from' | 'to') => {
    if (!Number.isSafeInteger(id) || id < 1) throw fault(`${names.given(option, Number.isNaN(id) ? undefined : id)}: a run id is a whole number, 1 or more${listedIn(names, 'runs', segment, (command) => `${command} lists them`)}`);
    const run = runs.find((r) => r.runId === id);
    if (run) return run;
    throw fault(`${names.given(option, id)}: no run ${id} of segment ${segment} is recorded${listedIn(names, 'runs', segment, (command) => `${command} lists its runs`)}`);
  };
  const checked = (run: RunRecord) => {
    if (!run.membersKept) throw fault(withoutMembers(run));
    return run;
  };
  const from = request.from === undefined ? undefined : checked(byId(request.from, 'from'));
  const succeeded = runs.filter((r) => r.status === 'succeeded' && (from === undefined || r.job === from.job));
  const to = request.to !== undefined ? checked(byId(request.to, 'to')) : succeeded.at(-1);
  if (to === undefined) throw fault(`segment ${segment} has no succeeded run${from ? ` of job ${from.job}` : ''} to compare`);
  checked(to);
  if (from && from.runId === to.runId) {
    throw fault(request.to === undefined
      ? `${names.given('from', from.runId)} is the latest succeeded run of job ${from.job} for segment ${segment}: there is no later run to compare it with (give ${names.given('to')}, or an earlier ${names.given('from')})`
      : `${names.given('from')} and ${names.given('to')} are both run ${from.runId}: a run has no changes from itself (give two runs)`);
  }
  if (from) return { from, to };
  const previous = await comparedRunOf(db.kysely(), to.job, segment, to.runId);
  if (previous === undefined) {
    throw fault(`run ${to.runId} has no earlier run of job ${to.job} for segment ${segment} (as of its date or before, with stored members) to compare with (name one with ${names.given('from')})`);
  }
  return { from: byId(previous, 'from'), to };
}

/** Fills the diff table: customers of `to` not in `from` (entered) and of `from` not in `to` (left). */
export async function materializeDiff(db: Engine, runs: DiffRuns): Promise<{ entered: number; left: number }> {
  const k = db.kysely();
  const [from, to] = [BigInt(runs.from.runId), BigInt(runs.to.runId)];
  await db.query(sql`DROP TABLE IF EXISTS ${sql.table(DIFF_TABLE)}`.compile(k));
  await db.query(sql`CREATE TEMP TABLE ${sql.table(DIFF_TABLE)} AS
    SELECT coalesce(t.customer_id, f.customer_id) AS customer_id, CASE WHEN f.customer_id IS NULL THEN 'entered' ELSE 'left' END AS change
    FROM (SELECT customer_id FROM run_members WHERE run_id = ${to}) AS t
    FULL OUTER JOIN (SELECT customer_id FROM run_members WHERE run_id = ${from}) AS f ON f.customer_id = t.customer_id
    WHERE t.customer_id IS NULL OR f.customer_id IS NULL`.compile(k));
  const rows = await db.query<{ change: DiffSide; n: bigint }>(sql`SELECT change, count(*) AS n FROM ${sql.table(DIFF_TABLE)} GROUP BY change`.compile(k));
  const count = (side: DiffSide) => Number(rows.find((r) => r.change === side)?.n ?? 0);
  return { entered: count('entered'), left: count('left') };
}

/** Puts one side of the diff, or both, in the members table the export machinery reads. */
export async function selectDiffRows(db: Engine, side?: DiffSide): Promise<void> {
  const k = db.kysely();
  await db.query(sql`DROP TABLE IF EXISTS ${sql.table(MEMBERS_TABLE)}`.compile(k));
  await db.query(sql`CREATE TEMP TABLE ${sql.table(MEMBERS_TABLE)} AS SELECT customer_id, change FROM ${sql.table(DIFF_TABLE)}
    WHERE change = ${side ?? 'entered'} OR ${side === undefined}`.compile(k));
}
