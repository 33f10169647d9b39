import { clickHouseStateFile, openWorkspace, type Workspace, type WorkspaceOptions } from '../index.js';
import { configFromEnv, type CliConfig } from './config.js';
import { chooseLogFormat, cliLogger, type CliLogger, type LogFormat } from './logger.js';
import type { GlobalArgs } from './args.js';
import { terminalProgress } from './progress-bar.js';

export const config: CliConfig = configFromEnv();

let logFormatFlag: LogFormat | undefined;
/** `--log-format`, set by the global option before any command runs. */
export const setLogFormat = (format: LogFormat | undefined): void => void (logFormatFlag = format);

let logger: CliLogger | undefined;
/** The CLI's log on stderr (KUMIWAKE_LOG_LEVEL; JSON or plain lines, see logger.ts), made on first use. */
export const log = (): CliLogger => (logger ??= cliLogger(config.logLevel, chooseLogFormat(logFormatFlag, process.stderr.isTTY === true, config.logLevel)));

/** `holder`: who has the file, as far as the engine can tell ("another process" when it cannot). */
function onWait(path: string, holder = 'another process'): void {
  process.stderr.write(`database ${path} is in use by ${holder}; waiting for it...\n`);
}

/** A command's workspace options: the global flags, the environment's settings, terminal progress. */
export function workspaceOptions(argv: GlobalArgs, extra: Partial<WorkspaceOptions> = {}): WorkspaceOptions {
  return {
    db: argv.db,
    tz: argv.tz,
    logger: log(),
    progress: terminalProgress(),
    memoryLimit: config.memoryLimit,
    exportMemoryLimit: config.exportMemoryLimit,
    settingNames: { memoryLimit: 'KUMIWAKE_MEMORY_LIMIT', exportMemoryLimit: 'KUMIWAKE_EXPORT_MEMORY_LIMIT' },
    lockTimeoutMs: config.lockTimeoutMs,
    onWait,
    xlsxRowsPerSheet: config.xlsxRowsPerSheet,
    decodeDir: config.decodeDir,
    // ClickHouse: the data on the servers, saved segments, jobs and history in the state file (--db when given).
    ...(argv.engine ? { engine: argv.engine, engineSetting: argv.engine === config.engine ? 'KUMIWAKE_ENGINE' : '--engine',
      db: clickHouseStateFile(argv.engine, argv.db === config.db && !process.env.KUMIWAKE_DB ? undefined : argv.db) } : {}),
    ...extra,
  };
}

/** Opens the workspace for one command and closes it after, whatever happens. */
export async function withWorkspace<T>(argv: GlobalArgs, extra: Partial<WorkspaceOptions>, work: (workspace: Workspace) => Promise<T>): Promise<T> {
  const workspace = await openWorkspace(workspaceOptions(argv, extra));
  try {
    return await work(workspace);
  } finally {
    await workspace.close();
  }
}
