import { Hono } from 'hono';
import type { Logger, Workspace } from '../index.js';
import { addApiRoutes } from './api-routes.js';
import { addDownloadRoutes } from './download-routes.js';
import { errorResponse } from './faults.js';
import { addImportRoutes, type Uploads } from './import-routes.js';
import { addInsightRoutes } from './insight-routes.js';
import { addJobRoutes } from './job-routes.js';
import { addLogin } from './login.js';
import { addQueryRoutes } from './query-routes.js';
import { OneAtATime } from './one-at-a-time.js';
import { crossSiteCheck, hostCheck, securityHeaders, tokenCheck } from './security.js';
import { addSegmentRoutes } from './segment-routes.js';
import type { ServedSchedule } from './served-schedule.js';
import { addStaticFiles } from './static-files.js';

export interface AppOptions {
  /** the bound address (the Host header is checked against it) */
  readonly host: string;
  readonly token?: string;
  /** the built page's folder (dist/web) */
  readonly webRoot: string;
  readonly logger: Logger;
  /** the folder of job files and the one their outputs stay inside (kumiwake run's defaults when absent) */
  readonly jobsDir?: string;
  readonly outputRoot?: string;
  /** the connection's queue, when the server shares it (with the scheduler of `serve --schedule`) */
  readonly turns?: OneAtATime;
  /** the jobs folder's scheduler running inside the server, restarted when the page changes a job */
  readonly scheduler?: ServedSchedule;
  /** the uploads waiting for their import, when the server removes them as it stops */
  readonly uploads?: Uploads;
}

/**
 * The web builder's HTTP application: checks first (host, security headers, cross-site, token),
 * then the JSON API, then the built page. Route groups are one file each; later ones (insights,
 * jobs, downloads, imports) are added the same way.
 */
export function createApp(workspace: Workspace, options: AppOptions): Hono {
  const app = new Hono();
  const turns = options.turns ?? new OneAtATime(() => workspace.interruptRunning());
  app.use('*', securityHeaders, hostCheck(options.host), crossSiteCheck, tokenCheck(options.token));
  app.onError((error, c) => {
    const { status, body } = errorResponse(error, options.logger);
    return c.json(body, status as 400);
  });
  addLogin(app, options.token);
  addApiRoutes(app, workspace, turns);
  addQueryRoutes(app, workspace);
  addSegmentRoutes(app, workspace, turns);
  addInsightRoutes(app, workspace, turns);
  addJobRoutes(app, workspace, turns, { jobsDir: options.jobsDir, outputRoot: options.outputRoot, scheduler: options.scheduler });
  addImportRoutes(app, workspace, turns, { uploads: options.uploads });
  addDownloadRoutes(app, workspace, turns);
  app.all('/api/*', (c) => c.json({ error: { code: 'not-found', message: `no API at ${c.req.method} ${c.req.path}` } }, 404));
  addStaticFiles(app, options.webRoot);
  return app;
}
