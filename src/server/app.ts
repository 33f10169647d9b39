import { Hono } from 'hono';
import type { Logger, Workspace } from '../index.js';
import { addApiRoutes } from './api-routes.js';
import { errorResponse } from './faults.js';
import { addInsightRoutes } from './insight-routes.js';
import { addLogin } from './login.js';
import { OneAtATime } from './one-at-a-time.js';
import { crossSiteCheck, hostCheck, securityHeaders, tokenCheck } from './security.js';
import { addSegmentRoutes } from './segment-routes.js';
import { addStaticFiles } from './static-files.js';

export interface AppOptions {
  /** the bound address (the Host header is checked against it) */
  readonly host: string;
  readonly token?: string;
  /** the built page's folder (dist/web) */
  readonly webRoot: string;
  readonly logger: Logger;
}

/**
 * The web builder's HTTP application: checks first (host, security headers, cross-site, token),
 * then the JSON API, then the built page. Route groups are one file each; later ones (insights,
 * jobs, downloads, imports) are added the same way.
 */
export function createApp(workspace: Workspace, options: AppOptions): Hono {
  const app = new Hono();
  const turns = new OneAtATime();
  app.use('*', securityHeaders, hostCheck(options.host), crossSiteCheck, tokenCheck(options.token));
  app.onError((error, c) => {
    const { status, body } = errorResponse(error, options.logger);
    return c.json(body, status as 400);
  });
  addLogin(app, options.token);
  addApiRoutes(app, workspace, turns);
  addSegmentRoutes(app, workspace, turns);
  addInsightRoutes(app, workspace, turns);
  app.all('/api/*', (c) => c.json({ error: { code: 'not-found', message: `no API at ${c.req.method} ${c.req.path}` } }, 404));
  addStaticFiles(app, options.webRoot);
  return app;
}
