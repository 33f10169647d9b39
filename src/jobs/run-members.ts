import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Engine } from '../engine/engine.js';
import type { Tables } from '../engine/tables.js';
import { MEMBERS_TABLE } from '../export/select.js';

/** Which customers a job output writes: the run's members, or who entered or left since the run compared with. */
export const OUTPUT_ROWS = ['members', 'entered', 'left'] as const;
export type OutputRows = (typeof OUTPUT_ROWS)[number];

/** Member sets a job keeps per segment unless its file says otherwise, and the most it may keep. */
export const DEFAULT_KEEP_MEMBERS = 10;
export const MAX_KEEP_MEMBERS = 100;

/** The run's evaluated customers (ids only), kept apart while an output narrows the members table. */
const RUN_SET = 'kumiwake_run_set';

/** Who entered and left since the run compared with; null counts when there was none. */
export interface MemberChanges {
  readonly comparedRun: number | null;
  readonly entered: number | null;
  readonly left: number | null;
}

const execute = (db: Engine, query: RawBuilder<unknown>) => db.query(query.compile(db.kysely()));
const countOf = async (db: Engine, query: RawBuilder<unknown>) => Number((await db.query<{ n: bigint }>(query.compile(db.kysely())))[0]?.n ?? 0);

/**
 * The run a job's run is compared with: of the earlier succeeded runs of the same job and segment
 * whose members are kept, the one of the latest as-of date not after its own (the latest
 * recorded of those). Runs of other jobs may be evaluated as of another date.
 */
export async function comparedRunOf(k: Kysely<Tables>, job: string, segment: string, before: number): Promise<number | undefined> {
  const asOf = sql<string | null>`(SELECT r.as_of FROM job_runs AS r WHERE r.run_id = ${BigInt(before)})`;
  // By as-of date first: a run back-dated by hand is no baseline for the runs after its date.
  const row = await k.selectFrom('job_runs').select('run_id')
    .where('job', '=', job).where('segment', '=', segment).where('status', '=', 'succeeded').where('members_kept', '=', true)
    .where('run_id', '<', BigInt(before))
    .where((eb) => eb.or([eb(asOf, 'is', null), eb('as_of', '<=', asOf)]))
    .orderBy('as_of', 'desc').orderBy('run_id', 'desc').limit(1).executeTakeFirst();
  return row === undefined ? undefined : Number(row.run_id);
}

/**
 * A job run's members (the evaluated members table, by customer id): what each output writes
 * (`rows`), and, when the run succeeds, stored in run_members in the transaction that records it,
 * so a killed or failed run leaves no member set a diff could read.
 */
export class RunMembers {
  /** what the members table holds now */
  private holds: OutputRows = 'members';
  /** the evaluated ids were copied apart, before an output first narrowed the members table */
  private copied = false;

  private constructor(private readonly db: Engine, readonly comparedRun: number | undefined) {}

  /** The run's members, just materialised in the members table; finds the run to compare with. */
  static async capture(db: Engine, run: { job: string; segment: string; runId: number }): Promise<RunMembers> {
    return new RunMembers(db, await comparedRunOf(db.kysely(), run.job, run.segment, run.runId));
  }

  /** The table holding every evaluated id: the members table until an output narrows it. */
  private get evaluated() {
    return sql.table(this.copied ? RUN_SET : MEMBERS_TABLE);
  }

  /**
   * Fills the members table with the customers an output writes and returns how many. Without a
   * run to compare with, `entered` and `left` are empty (a first run says who is in, not who came).
   */
  async select(rows: OutputRows): Promise<number> {
    if (rows === this.holds && rows === 'members') return countOf(this.db, sql`SELECT count(*) AS n FROM ${this.evaluated}`);
    if (!this.copied) {
      await execute(this.db, sql`DROP TABLE IF EXISTS ${sql.table(RUN_SET)}`);
      await execute(this.db, sql`CREATE TEMP TABLE ${sql.table(RUN_SET)} AS SELECT customer_id FROM ${sql.table(MEMBERS_TABLE)}`);
      this.copied = true;
    }
    const previous = this.comparedRun ?? -1;
    const query = rows === 'members'
      ? sql`SELECT customer_id FROM ${sql.table(RUN_SET)}`
      : rows === 'entered'
        ? sql`SELECT s.customer_id FROM ${sql.table(RUN_SET)} AS s
            LEFT JOIN (SELECT customer_id FROM run_members WHERE run_id = ${previous}) AS p ON p.customer_id = s.customer_id
            WHERE p.customer_id IS NULL AND ${this.comparedRun !== undefined}`
        : sql`SELECT p.customer_id FROM run_members AS p LEFT JOIN ${sql.table(RUN_SET)} AS s ON s.customer_id = p.customer_id
            WHERE p.run_id = ${previous} AND s.customer_id IS NULL`;
    await execute(this.db, sql`DROP TABLE IF EXISTS ${sql.table(MEMBERS_TABLE)}`);
    await execute(this.db, sql`CREATE TEMP TABLE ${sql.table(MEMBERS_TABLE)} AS ${query}`);
    this.holds = rows;
    return countOf(this.db, sql`SELECT count(*) AS n FROM ${sql.table(MEMBERS_TABLE)}`);
  }

  /**
   * Stores the run's members and counts who entered and left since the run compared with. Call
   * inside the transaction that records the run as succeeded.
   */
  async store(runId: number): Promise<MemberChanges> {
    // About 4.5 bytes and 0.25 s per million ids, the comparison 0.15 s more, measured on 2 cores (data-model.md, run_members).
    await execute(this.db, sql`INSERT INTO run_members SELECT ${BigInt(runId)}, customer_id FROM ${this.evaluated}`);
    if (this.comparedRun === undefined) return { comparedRun: null, entered: null, left: null };
    // Entered and left from the two sizes and the ids in both (one inner join, lighter than a full outer one).
    const previous = BigInt(this.comparedRun);
    const [row] = await this.db.query<{ now: bigint; before: bigint; kept: bigint }>(sql`
      SELECT (SELECT count(*) FROM ${this.evaluated}) AS now, (SELECT count(*) FROM run_members WHERE run_id = ${previous}) AS before,
        (SELECT count(*) FROM ${this.evaluated} AS s JOIN (SELECT customer_id FROM run_members WHERE run_id = ${previous}) AS p
          ON p.customer_id = s.customer_id) AS kept`
      .compile(this.db.kysely()));
    const [now, before, kept] = [Number(row!.now), Number(row!.before), Number(row!.kept)];
    return { comparedRun: this.comparedRun, entered: now - kept, left: before - kept };
  }

  /** Drops the run's scratch table (the members table stays: the workspace reuses it). */
  async release(): Promise<void> {
    await execute(this.db, sql`DROP TABLE IF EXISTS ${sql.table(RUN_SET)}`);
  }
}

/**
 * Removes the member sets of a job's runs of a segment beyond the latest `keep` (their counts,
 * entered and left stay in the history). Call after the run's own set is marked kept.
 */
export async function expireMembers(k: Kysely<Tables>, job: string, segment: string, keep: number): Promise<number> {
  const expired = (await k.selectFrom('job_runs').select('run_id')
    .where('job', '=', job).where('segment', '=', segment).where('members_kept', '=', true)
    .orderBy('run_id', 'desc').offset(keep).execute()).map((r) => r.run_id);
  if (expired.length === 0) return 0;
  await k.deleteFrom('run_members').where('run_id', 'in', expired).execute();
  await k.updateTable('job_runs').set({ members_kept: false }).where('run_id', 'in', expired).execute();
  return expired.length;
}
