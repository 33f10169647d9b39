import type { Argv } from 'yargs';
import { startServer } from '../server/serve.js';
import { checkServeOptions, DEFAULT_HOST, DEFAULT_PORT } from '../server/options.js';
import { config, log, withWorkspace } from './context.js';
import { emit, type GlobalArgs } from './output.js';

/**
 * Calls `stop` once when the process that started this one goes away (`npx kumiwake serve`
 * stopped with SIGTERM ends npx, not always its node child): an orphan's parent pid changes.
 */
function watchParent(stop: () => void): NodeJS.Timeout | undefined {
  const parent = process.ppid;
  if (parent <= 1) return undefined;
  const timer = setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 500);
  timer.unref();
  return timer;
}

/** `kumiwake serve`: the web segment builder on one workspace, until Ctrl-C or SIGTERM. */
export function serveCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command('serve', 'start the web segment builder (a local web server) and print its URL',
    (y) => y
      .option('port', { type: 'number', default: DEFAULT_PORT, describe: 'TCP port (0: any free port)' })
      .option('host', { type: 'string', default: DEFAULT_HOST, describe: 'address to listen on; any but 127.0.0.1/localhost/::1 needs --token' })
      .option('token', { type: 'string', describe: 'access token (at least 16 characters; env KUMIWAKE_TOKEN): Authorization: Bearer TOKEN, or the login page' })
      .option('schedule', { type: 'boolean', default: false, describe: 'also run the jobs folder\'s scheduler (as kumiwake schedule) inside the server, which holds the database' }),
    async (argv) => {
      // Who may reach the server is settled before the database is touched.
      const options = checkServeOptions({ host: argv.host, port: argv.port, token: argv.token ?? config.token, jobsDir: config.jobsDir, outputRoot: config.outputDir, schedule: argv.schedule });
      const token = options.token;
      await withWorkspace(argv, { interactive: true }, async (workspace) => {
        // The database is opened before the URL is printed: a busy or unreadable file is said now.
        await workspace.open();
        const server = await startServer(workspace, options, log());
        const scheduler = server.scheduler?.();
        emit(argv, { url: server.url, host: argv.host, port: server.port, token: token !== undefined, ...(scheduler ? { scheduler } : {}) }, () =>
          [`Kumiwake web builder: open ${server.url} in a browser${token !== undefined ? ' (sign in with the access token)' : ''}`,
            ...(scheduler ? [scheduler.error ? `not scheduling jobs: ${scheduler.error}` : `scheduling ${scheduler.jobs.length} job(s) from ${config.jobsDir}`] : []),
            'Stop with Ctrl-C.'].join('\n'));
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
          watchParent(stop);
        });
        await server.close();
      });
    });
}
