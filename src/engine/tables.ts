import type { Generated } from 'kysely';

/** UTC `YYYY-MM-DD HH:MM:SS.mmm`: how Kumiwake's own TIMESTAMP columns are written. */
export const utcText = (date: Date) => date.toISOString().replace('T', ' ').replace('Z', '');

/** The tables Kysely queries are typed against. */
export interface Tables {
  segments: { name: string; definition: string; saved_at: string | Date };
  job_runs: JobRunRow;
  run_members: { run_id: bigint | number; customer_id: string };
}

/** A row of job_runs (sql/schema.sql); timestamps are written as UTC text and read back as Date. */
export interface JobRunRow {
  run_id: Generated<bigint>;
  job: string;
  segment: string | null;
  trigger: 'manual' | 'schedule' | 'catch-up';
  scheduled_for: string | Date | null;
  as_of: string | Date | null;
  started_at: string | Date;
  finished_at: string | Date | null;
  status: 'running' | 'succeeded' | 'failed' | 'interrupted' | 'skipped';
  count: bigint | number | null;
  reachable_email: bigint | number | null;
  reachable_line: bigint | number | null;
  reachable_dm: bigint | number | null;
  files: string[] | null;
  error: string | null;
  /** the statement that failed and its parameters (JSON), when the engine failed the run */
  error_sql: string | null;
  error_parameters: string | null;
  /** the run's warnings as JSON (src/segments/warnings.ts), NULL when none */
  warnings: string | null;
  /** the run entered_count and left_count compare with (the job's previous succeeded run of the segment) */
  compared_run: bigint | number | null;
  entered_count: bigint | number | null;
  left_count: bigint | number | null;
  /** run_members holds the run's customers (a succeeded run within the job's keepMembers) */
  members_kept: boolean | null;
  pid: number | null;
}
