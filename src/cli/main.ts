#!/usr/bin/env node
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { defaultDbPath } from '../db/database.js';
import { importCommand } from './import-command.js';
import { generateCommand } from './generate-command.js';
import { demoCommand } from './demo-command.js';
import { exportCommand } from './export-command.js';
import { jobCommands } from './job-commands.js';
import { countCommand, segmentsCommand } from './segment-commands.js';
import { reportError, type GlobalArgs } from './output.js';

const argv = hideBin(process.argv);
const wantsJson = argv.includes('--json');

const base = yargs(argv)
  .scriptName('kumiwake')
  .usage('$0 <command> [options]')
  .option('db', { type: 'string', default: defaultDbPath(), describe: 'database file (env KUMIWAKE_DB)', global: true })
  .option('tz', { type: 'string', default: 'Asia/Tokyo', describe: 'time zone of dates and timestamps', global: true })
  .option('json', { type: 'boolean', default: false, describe: 'machine-readable output on stdout', global: true })
  .strict()
  .demandCommand(1, 'name a command (see --help)')
  .recommendCommands()
  .help()
  .fail((message, error) => {
    if (error) throw error;
    throw Object.assign(new Error(message), { usage: true });
  }) as unknown as Argv<GlobalArgs>;

// Each command loads what only it needs (the export writers, the scheduler) when it runs, so that
// start-up, which every command and `--help` pays for, stays short.
const commands = [importCommand, countCommand, exportCommand, segmentsCommand, jobCommands, generateCommand, demoCommand];
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
