import { basename, isAbsolute, relative, sep } from 'node:path';
import type { Hono } from 'hono';
import { PAGE_INPUTS, type Workspace } from '../index.js';
import { RequestFault } from './faults.js';
import type { OneAtATime } from './one-at-a-time.js';
import { jsonBody } from './requests.js';
import type { ServedSchedule } from './served-schedule.js';

export interface JobRouteOptions {
  /** the folder of job files (kumiwake run's --jobs-dir; default jobs) */
  readonly jobsDir?: string;
  /** the folder job outputs stay inside (default data/out beside the jobs folder) */
  readonly outputRoot?: string;
  /** the scheduler inside the server (`serve --schedule`): restarted when a job is saved or deleted */
  readonly scheduler?: ServedSchedule;
}

type Body = Record<string, unknown>;

function closed(body: Body, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new RequestFault('unknown-property', `"${key}" is not a property of this request (expected ${allowed.join(', ')})`);
  }
}

/** A whole number from a query string or body, or undefined; anything else is the user's mistake. */
function wholeNumber(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new RequestFault('bad-argument', `"${name}" must be a whole number, not ${JSON.stringify(value)}`);
  return n;
}

/**
 * What the page is shown of the server's folders: names relative to the output folder (a run's
 * files, the files of `sharedOutputs`) or the jobs folder (a job file), and the jobs folder by
 * its own name, never an absolute path (the CLI prints those). Every text of an answer or a fault
 * is rewritten so; a listed file outside both folders (a run of another output folder) is named
 * alone.
 */
class PageNames {
  private readonly prefixes: readonly string[];

  constructor(private readonly jobsDir: string, private readonly outputDir: string) {
    // The longer first: one folder may hold the other.
    this.prefixes = [outputDir, jobsDir].sort((a, b) => b.length - a.length).map((dir) => `${dir}${sep}`);
  }

  text(value: string): string {
    const relative = this.prefixes.reduce((out, prefix) => out.split(prefix).join(''), value);
    return relative.split(this.jobsDir).join(basename(this.jobsDir));
  }

  /** A written file: relative to the output folder, else its name alone. */
  file(path: string): string {
    const inside = relative(this.outputDir, path);
    return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : basename(path);
  }

  /** An answer with every text rewritten, and its `files` lists as written files. */
  answer<T>(value: T): T {
    const walk = (v: unknown, key?: string): unknown => {
      if (typeof v === 'string') return this.text(v);
      if (Array.isArray(v)) return v.map((item) => (key === 'files' && typeof item === 'string' ? this.file(item) : walk(item)));
      if (v !== null && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k)]));
      return v;
    };
    return walk(value) as T;
  }

  /** A fault with its texts rewritten (its message, and a job file's faults). */
  fault(error: unknown): unknown {
    if (error instanceof Error) {
      error.message = this.text(error.message);
      const faults = (error as { faults?: Array<{ message: string }> }).faults;
      if (Array.isArray(faults)) Object.defineProperty(error, 'faults', { value: faults.map((f) => ({ ...f, message: this.text(f.message) })) });
    }
    return error;
  }
}

/**
 * Jobs from the page: the job files (list, show, save — checked by run's own reader, faults with
 * their JSON paths —, delete), the next run times of a cron schedule (node-cron, as the scheduler),
 * run now, the run history, and who entered and left between two runs (downloaded by
 * download-routes.ts's POST /api/download/diff).
 */
export function addJobRoutes(app: Hono, workspace: Workspace, turns: OneAtATime, options: JobRouteOptions): void {
  const jobs = workspace.jobs({ jobsDir: options.jobsDir, outputRoot: options.outputRoot, names: PAGE_INPUTS });
  let names: Promise<PageNames> | undefined;
  /** The route's answer (or fault) in the page's names: no absolute path of the server's. */
  const shown = async <T>(work: () => Promise<T>): Promise<T> => {
    const page = await (names ??= jobs.outputDir().then((out) => new PageNames(jobs.dir, out)));
    try {
      return page.answer(await work());
    } catch (error) {
      throw page.fault(error);
    }
  };

  const scheduler = () => options.scheduler?.status ?? { enabled: false, running: false, jobs: [] };
  /**
   * The scheduler reads the job files when it starts: a change is picked up by restarting it, in
   * the background (a running job finishes first; GET /api/jobs says when it has restarted).
   */
  const changed = () => void options.scheduler?.restart();

  app.get('/api/jobs', async (c) => c.json(await shown(async () => ({ folder: jobs.dir, jobs: await jobs.list(), scheduler: scheduler() }))));

  app.get('/api/jobs/:name', async (c) => c.json(await shown(() => jobs.show(c.req.param('name')))));

  app.get('/api/next-runs', async (c) => {
    const schedule = c.req.query('schedule');
    if (!schedule) throw new RequestFault('missing-property', '"schedule" (a cron schedule) is required');
    return c.json({ next: await jobs.nextRuns(schedule, c.req.query('timezone') || undefined) });
  });

  app.post('/api/jobs', async (c) => {
    const body = await jsonBody(c.req.raw);
    closed(body, ['name', 'job', 'force']);
    if (typeof body.name !== 'string') throw new RequestFault('missing-property', '"name" is required');
    if (body.force !== undefined && typeof body.force !== 'boolean') throw new RequestFault('bad-argument', '"force" must be a boolean');
    const name = body.name;
    const saved = await shown(() => turns.run(undefined, () => jobs.save(name, body.job, { force: body.force === true })));
    changed();
    return c.json(saved, 201);
  });

  app.delete('/api/jobs/:name', async (c) => {
    const name = c.req.param('name');
    await shown(() => jobs.delete(name));
    changed();
    return c.json({ deleted: name });
  });

  app.post('/api/jobs/:name/run', async (c) => {
    const body = await jsonBody(c.req.raw);
    closed(body, ['asOf']);
    if (body.asOf !== undefined && typeof body.asOf !== 'string') throw new RequestFault('bad-argument', '"asOf" must be a date (YYYY-MM-DD)');
    const name = c.req.param('name');
    return c.json(await shown(async () => {
      await jobs.show(name); // an unknown name is a 404, not a failed run in the history
      const outcome = await turns.run(undefined, () =>
        workspace.runJob(jobs.fileFor(name), { jobsDir: jobs.dir, outputRoot: options.outputRoot, asOf: body.asOf as string | undefined, names: PAGE_INPUTS }));
      const { error, ...rest } = outcome;
      return { ...rest, ...(error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) }) };
    }));
  });

  app.get('/api/history', async (c) => {
    const limit = wholeNumber(c.req.query('limit'), 'limit');
    const filter = { job: c.req.query('job') || undefined, segment: c.req.query('segment') || undefined, limit };
    return c.json({ runs: await shown(() => turns.run(c.req.raw.signal, () => workspace.history(filter))) });
  });

  app.post('/api/diff', async (c) => {
    const body = await jsonBody(c.req.raw);
    closed(body, ['segment', 'from', 'to', 'limit', 'columns']);
    if (typeof body.segment !== 'string') throw new RequestFault('missing-property', '"segment" is required');
    const columns = body.columns;
    if (columns !== undefined && (!Array.isArray(columns) || !columns.every((x) => typeof x === 'string'))) throw new RequestFault('bad-argument', '"columns" must be a list of column names');
    const request = {
      segment: body.segment, from: wholeNumber(body.from, 'from'), to: wholeNumber(body.to, 'to'),
      limit: wholeNumber(body.limit, 'limit') ?? 100, columns: columns as string[] | undefined, names: PAGE_INPUTS,
    };
    return c.json(await shown(() => turns.run(c.req.raw.signal, () => workspace.diff(request))));
  });
}
