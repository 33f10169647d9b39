/** The server's answers about jobs (GET /api/jobs, POST /api/jobs/NAME/run, GET /api/history, POST /api/diff). */
export interface JobOutput {
  path: string;
  format?: string;
  rows?: string;
  encoding?: string;
  headers?: string;
  columns?: string[];
}

export interface JobFile {
  description?: string;
  segment?: string;
  schedule?: string;
  timezone?: string;
  enabled?: boolean;
  keepMembers?: number;
  outputs?: JobOutput[];
  [other: string]: unknown;
}

export interface JobEntry {
  readonly name: string;
  readonly job?: JobFile;
  readonly next: readonly string[];
  readonly fault?: string;
  /** other jobs write a file this one writes (the server's sentences) */
  readonly sharedOutputs?: readonly string[];
}

/** Whether the server runs the jobs folder's scheduler (`kumiwake serve --schedule`). */
export interface SchedulerState {
  readonly enabled: boolean;
  readonly running: boolean;
  readonly jobs: readonly string[];
  readonly error?: string;
}

export interface RunOutcome {
  readonly job: string;
  readonly runId?: number;
  readonly status: string;
  readonly asOf?: string;
  readonly counted?: { readonly count: number };
  readonly comparedWith?: number;
  readonly entered?: number;
  readonly left?: number;
  readonly files: readonly string[];
  readonly error?: string;
}

export interface RunRecord {
  readonly runId: number;
  readonly job: string;
  readonly segment: string | null;
  readonly trigger: string;
  readonly asOf: string | null;
  readonly startedAt: string;
  readonly status: string;
  readonly count: number | null;
  readonly error: string | null;
  readonly comparedWith: number | null;
  readonly entered: number | null;
  readonly left: number | null;
  readonly membersKept: boolean;
}

export interface DiffAnswer {
  readonly from: { readonly runId: number };
  readonly to: { readonly runId: number };
  readonly entered: { readonly count: number; readonly rows: ReadonlyArray<Record<string, unknown>> };
  readonly left: { readonly count: number; readonly rows: ReadonlyArray<Record<string, unknown>> };
}

/** The plain-words schedule: every day, a weekday every week, a day every month, or a cron the words cannot say. */
export type Plain =
  | { readonly every: 'day'; readonly hour: number; readonly minute: number }
  | { readonly every: 'week'; readonly weekday: number; readonly hour: number; readonly minute: number }
  | { readonly every: 'month'; readonly day: number; readonly hour: number; readonly minute: number }
  | { readonly every: 'custom' };

export function cronOf(plain: Plain): string | undefined {
  switch (plain.every) {
    case 'day': return `${plain.minute} ${plain.hour} * * *`;
    case 'week': return `${plain.minute} ${plain.hour} * * ${plain.weekday}`;
    case 'month': return `${plain.minute} ${plain.hour} ${plain.day} * *`;
    default: return undefined;
  }
}

const whole = (text: string | undefined, max: number) => (text !== undefined && /^\d{1,2}$/.test(text) && Number(text) <= max ? Number(text) : undefined);

/** Reads a cron back into plain words when it is one they can say; else `custom`. */
export function plainOf(cron: string | undefined): Plain {
  const [m, h, day, month, weekday, extra] = (cron ?? '').trim().split(/\s+/);
  const minute = whole(m, 59);
  const hour = whole(h, 23);
  if (extra !== undefined || minute === undefined || hour === undefined || month !== '*') return { every: 'custom' };
  if (day === '*' && weekday === '*') return { every: 'day', hour, minute };
  const w = whole(weekday, 7);
  if (day === '*' && w !== undefined) return { every: 'week', weekday: w % 7, hour, minute };
  const d = whole(day, 31);
  if (weekday === '*' && d !== undefined && d >= 1) return { every: 'month', day: d, hour, minute };
  return { every: 'custom' };
}
