#!/usr/bin/env node
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { config, setLogFormat } from './context.js';
import { LOG_FORMATS, type LogFormat } from './logger.js';
import { reportError, type GlobalArgs } from './output.js';
import { KumiwakeError } from '../index.js';

/**
 * `settings set rfm --r -1,0,1,2`: yargs reads a value starting with a minus as options (`-1` …)
 * and refuses it as "Unknown argument: 1". After the cut-point options, which take a list of
 * numbers, such a value is theirs, as if written `--r=-1,0,1,2`, and their own check says what is
 * wrong with it. Only after those: elsewhere a minus may start a customer id or a file name that
 * follows a flag (`customer --json -1001`).
 */
const CUT_POINT_OPTIONS = new Set(['--r', '--f', '--m']);
const joinMinusValues = (args: readonly string[]): string[] =>
  args.reduce<string[]>((out, arg) => {
    const last = out[out.length - 1];
    if (/^-\d/.test(arg) && last !== undefined && CUT_POINT_OPTIONS.has(last)) out[out.length - 1] = `${last}=${arg}`;
    else out.push(arg);
    return out;
  }, []);

const argv = joinMinusValues(hideBin(process.argv));
const wantsJson = argv.includes('--json');

const base = yargs(argv)
  .scriptName('kumiwake')
  .usage('$0 <command> [options]')
  .option('db', { type: 'string', default: config.db, describe: 'database file (env KUMIWAKE_DB)', global: true })
  .option('engine', { type: 'string', default: config.engine, describe: 'clickhouse://HOST:8123/DATABASE?cluster=NAME instead of the DuckDB file (env KUMIWAKE_ENGINE)', global: true })
  .option('tz', { type: 'string', default: 'Asia/Tokyo', describe: 'time zone of dates and timestamps', global: true })
  .option('json', { type: 'boolean', default: false, describe: 'machine-readable output on stdout', global: true })
  .option('log-format', { choices: LOG_FORMATS, describe: 'logs on stderr: json (pino lines) or pretty (warnings as plain lines); default pretty on a terminal, json otherwise or at debug level', global: true })
  .middleware((args) => setLogFormat((args as { 'log-format'?: LogFormat })['log-format']))
  // Every command opens its workspace with the engine setting (context.ts); one that is not a ClickHouse URL is refused first.
  .middleware((args) => {
    const engine = (args as { engine?: string }).engine;
    if (engine === undefined || engine === '' || String(args._[0] ?? '') === '') return;
    if (!/^clickhouse:/i.test(engine.trim())) throw new KumiwakeError('bad-engine', `--engine "${engine}": write clickhouse://HOST:8123/DATABASE?cluster=NAME, or leave it out for the DuckDB file`, 2);
  })
  .strict()
  .demandCommand(1, 'name a command (see --help)')
  .recommendCommands()
  .help()
  .fail((message, error) => {
    if (error) throw error;
    throw Object.assign(new Error(message), { usage: true });
  }) as unknown as Argv<GlobalArgs>;

type AddCommands = (y: Argv<GlobalArgs>) => Argv<GlobalArgs>;
// Start-up is paid by every command: only the named command's module is loaded (the planner and
// Kysely are not needed by an import, nor exceljs by a count). Help and anything unrecognised
// load them all. Within a module, what only one handler needs (export writers, the scheduler)
// is loaded when it runs.
const segmentCommands = async (): Promise<AddCommands[]> => {
  const m = await import('./segment-commands.js');
  return [m.countCommand, m.segmentsCommand];
};
const jobCommands = async (): Promise<AddCommands[]> => [(await import('./job-commands.js')).jobCommands];
const queryCommands = async (): Promise<AddCommands[]> => [(await import('./query-commands.js')).queryCommands];
const commandModules: Record<string, () => Promise<AddCommands[]>> = {
  import: async () => [(await import('./import-command.js')).importCommand],
  count: segmentCommands,
  explain: segmentCommands,
  schema: segmentCommands,
  segments: segmentCommands,
  export: async () => [(await import('./export-command.js')).exportCommand],
  run: jobCommands,
  schedule: jobCommands,
  history: jobCommands,
  diff: async () => [(await import('./diff-command.js')).diffCommand],
  generate: async () => [(await import('./generate-command.js')).generateCommand],
  demo: async () => [(await import('./demo-command.js')).demoCommand],
  settings: async () => [(await import('./settings-command.js')).settingsCommand],
  why: async () => [(await import('./why-command.js')).whyCommand],
  customer: async () => [(await import('./customer-command.js')).customerCommand],
  overlap: async () => [(await import('./overlap-command.js')).overlapCommand],
  mails: async () => [(await import('./mails-command.js')).mailsCommand],
  serve: async () => [(await import('./serve-command.js')).serveCommand],
  print: queryCommands,
  parse: queryCommands,
  cluster: async () => [(await import('./cluster-command.js')).clusterCommand],
};
const named = argv.find((a) => !a.startsWith('-'));
const loaders = named !== undefined && Object.hasOwn(commandModules, named) ? [commandModules[named]!] : [...new Set(Object.values(commandModules))];
const commands = (await Promise.all(loaders.map((load) => load()))).flat();
const cli = commands.reduce((y, add) => add(y), base);

try {
  await cli.parseAsync();
} catch (error) {
  if (error instanceof Error && (error as { usage?: boolean }).usage) {
    process.stderr.write(`kumiwake: ${error.message}\nRun kumiwake --help for usage.\n`);
    process.exitCode = 2;
  } else {
    const status = reportError(error, wantsJson);
    // An interrupt keeps the signal's status (130 SIGINT, 143 SIGTERM) set by its handler.
    if (process.exitCode !== 130 && process.exitCode !== 143) process.exitCode = status;
  }
}
