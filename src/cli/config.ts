import { resolve } from 'node:path';

/**
 * The CLI's settings from KUMIWAKE_* environment variables. Only the CLI reads the environment;
 * the library takes every setting as an option (src/api/types.ts).
 */
export interface CliConfig {
  readonly db: string;
  /** the engine (KUMIWAKE_ENGINE): unset = the DuckDB file `db`; `clickhouse://HOST:8123/DATABASE?cluster=NAME` */
  readonly engine?: string;
  readonly logLevel: string;
  readonly memoryLimit?: string;
  readonly exportMemoryLimit?: string;
  readonly lockTimeoutMs: number;
  /** a scheduled or manual job run waits longer for the database than a command: an import may be running */
  readonly jobLockTimeoutMs: number;
  readonly stopGraceMs: number;
  readonly xlsxRowsPerSheet?: number;
  readonly decodeDir?: string;
  readonly outputDir?: string;
  readonly jobsDir: string;
  /** `kumiwake serve`'s access token (KUMIWAKE_TOKEN); --token wins */
  readonly token?: string;
}

export const DEFAULT_DB_PATH = 'data/kumiwake.duckdb';

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  return (Number.isFinite(value) && value >= 0 ? value : fallback) * 1000;
}

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const rows = Number(env.KUMIWAKE_XLSX_ROWS_PER_SHEET);
  return {
    db: nonEmpty(env.KUMIWAKE_DB) ?? DEFAULT_DB_PATH,
    engine: nonEmpty(env.KUMIWAKE_ENGINE),
    logLevel: nonEmpty(env.KUMIWAKE_LOG_LEVEL) ?? 'info',
    memoryLimit: nonEmpty(env.KUMIWAKE_MEMORY_LIMIT),
    exportMemoryLimit: nonEmpty(env.KUMIWAKE_EXPORT_MEMORY_LIMIT),
    lockTimeoutMs: seconds(env, 'KUMIWAKE_LOCK_TIMEOUT', 60),
    jobLockTimeoutMs: seconds(env, 'KUMIWAKE_JOB_LOCK_TIMEOUT', 1800),
    stopGraceMs: seconds(env, 'KUMIWAKE_STOP_GRACE', 60),
    xlsxRowsPerSheet: Number.isInteger(rows) && rows > 0 ? rows : undefined,
    decodeDir: nonEmpty(env.KUMIWAKE_DECODE_DIR),
    outputDir: nonEmpty(env.KUMIWAKE_OUTPUT_DIR) === undefined ? undefined : resolve(env.KUMIWAKE_OUTPUT_DIR!),
    jobsDir: nonEmpty(env.KUMIWAKE_JOBS) ?? 'jobs',
    token: nonEmpty(env.KUMIWAKE_TOKEN),
  };
}
