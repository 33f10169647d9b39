import type { Hono } from 'hono';
import type { Workspace } from '../index.js';
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
 * Jobs from the page: the job files (list, show, save — checked by run's own reader, faults with
 * their JSON paths —, delete), the next run times of a cron schedule (node-cron, as the scheduler),
 * run now, the run history, and who entered and left between two runs (downloaded by
 * download-routes.ts's POST /api/download/diff).
 */
export function addJobRoutes(app: Hono, workspace: Workspace, turns: OneAtATime, options: JobRouteOptions): void {
  const jobs = workspace.jobs({ jobsDir: options.jobsDir, outputRoot: options.outputRoot });

  const scheduler = () => options.scheduler?.status ?? { enabled: false, running: false, jobs: [] };
  /**
   * The scheduler reads the job files when it starts: a change is picked up by restarting it, in
   * the background (a running job finishes first; GET /api/jobs says when it has restarted).
   */
  const changed = () => void options.scheduler?.restart();

  app.get('/api/jobs', async (c) => c.json({ folder: jobs.dir, jobs: await jobs.list(), scheduler: scheduler() }));

  app.get('/api/jobs/:name', async (c) => c.json(await jobs.show(c.req.param('name'))));

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
    const saved = await turns.run(undefined, () => jobs.save(name, body.job, { force: body.force === true }));
    changed();
    return c.json(saved, 201);
  });

  app.delete('/api/jobs/:name', async (c) => {
    const name = c.req.param('name');
    await jobs.delete(name);
    changed();
    return c.json({ deleted: name });
  });

  app.post('/api/jobs/:name/run', async (c) => {
    const body = await jsonBody(c.req.raw);
    closed(body, ['asOf']);
    if (body.asOf !== undefined && typeof body.asOf !== 'string') throw new RequestFault('bad-argument', '"asOf" must be a date (YYYY-MM-DD)');
    const name = c.req.param('name');
    await jobs.show(name); // an unknown name is a 404, not a failed run in the history
    const outcome = await turns.run(undefined, () =>
      workspace.runJob(jobs.fileFor(name), { jobsDir: jobs.dir, outputRoot: options.outputRoot, asOf: body.asOf as string | undefined }));
    const { error, ...rest } = outcome;
    return c.json({ ...rest, ...(error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) }) });
  });

  app.get('/api/history', async (c) => {
    const limit = wholeNumber(c.req.query('limit'), 'limit');
    const filter = { job: c.req.query('job') || undefined, segment: c.req.query('segment') || undefined, limit };
    return c.json({ runs: await turns.run(c.req.raw.signal, () => workspace.history(filter)) });
  });

  app.post('/api/diff', async (c) => {
    const body = await jsonBody(c.req.raw);
    closed(body, ['segment', 'from', 'to', 'limit', 'columns']);
    if (typeof body.segment !== 'string') throw new RequestFault('missing-property', '"segment" is required');
    const columns = body.columns;
    if (columns !== undefined && (!Array.isArray(columns) || !columns.every((x) => typeof x === 'string'))) throw new RequestFault('bad-argument', '"columns" must be a list of column names');
    const request = {
      segment: body.segment, from: wholeNumber(body.from, 'from'), to: wholeNumber(body.to, 'to'),
      limit: wholeNumber(body.limit, 'limit') ?? 100, columns: columns as string[] | undefined,
    };
    return c.json(await turns.run(c.req.raw.signal, () => workspace.diff(request)));
  });
}
