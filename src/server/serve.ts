import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { KumiwakeError, type Logger, type Workspace } from '../index.js';
import { createApp } from './app.js';
import { Uploads } from './import-routes.js';
import { OneAtATime } from './one-at-a-time.js';
import { checkServeOptions, displayUrl, type ServeOptions } from './options.js';
import { ServedSchedule, type SchedulerState } from './served-schedule.js';

export interface RunningServer {
  /** the URL to open (a wildcard address shown as 127.0.0.1) */
  readonly url: string;
  readonly port: number;
  /** what the scheduler inside the server (`schedule: true`) is doing */
  readonly scheduler?: () => SchedulerState;
  close(): Promise<void>;
}

const quiet = () => {};
const silentLogger: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };
const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../web/', import.meta.url));

/** Starts the builder's server on one workspace; refuses an exposed host without a token. */
export async function startServer(workspace: Workspace, options: ServeOptions, logger: Logger = silentLogger): Promise<RunningServer> {
  const { host, port, token, webRoot, jobsDir, outputRoot } = checkServeOptions(options);
  const turns = new OneAtATime(() => workspace.interruptRunning());
  const scheduler = options.schedule ? new ServedSchedule(workspace, turns, { jobsDir, outputRoot, logger }) : undefined;
  const uploads = new Uploads();
  const app = createApp(workspace, { host, token, webRoot: webRoot ?? DEFAULT_WEB_ROOT, logger, jobsDir, outputRoot, turns, scheduler, uploads });
  const server: ServerType = await new Promise((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: host.replace(/^\[(.*)\]$/, '$1'), port }, () => resolve(started));
    started.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new KumiwakeError('port-in-use', `port ${port} on ${host} is in use: choose another with --port`) :
        error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' ? new KumiwakeError('bad-argument', `--host ${host} is not an address of this machine`) : error);
    });
  });
  const bound = (server.address() as AddressInfo).port;
  await scheduler?.restart();
  return {
    url: displayUrl(host, bound),
    port: bound,
    ...(scheduler ? { scheduler: () => scheduler.status } : {}),
    close: async () => {
      await scheduler?.close(); // a running job finishes (within the grace period) before the database closes
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      uploads.discardAll(); // an upload not imported is not left in the temp folder (Ctrl-C, SIGTERM)
    },
  };
}
