import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDBEngine } from '../engine/duckdb/engine.js';
import { IMPORT_PHASE } from '../engine/duckdb/import/run-import.js';
import { HAND_TOTALS, KUMIWAKE_TOTALS, STORED_LINES_SUMMARIES, totalsDiffer, type SummaryTotals } from './hand-summaries.js';

export interface ImportFigure {
  readonly table: string;
  readonly file: string;
  readonly megabytes: number;
  readonly rows: number;
  /** the import itself, as recorded in the imports table (the process start is not included) */
  readonly seconds: number;
  /** the whole `kumiwake import` command, process start included */
  readonly commandSeconds: number;
  readonly peakMegabytes: number;
  /** DuckDB's own read_csv into a table, same file, default settings; undefined for CP932 files */
  readonly floorSeconds?: number;
  /** where the import's time went, in seconds by phase (the import's debug log: rows, unknown customers, derived) */
  readonly phases: Readonly<Record<string, number>>;
  /**
   * Order lines only: the hand-written summaries after the floor's read_csv (hand-summaries.ts),
   * and each total of theirs the import's summaries disagree on (none: they agree).
   */
  readonly handSummaries?: { readonly seconds: number; readonly differences: readonly string[] };
}

export const benchFiles = [
  { table: 'customers', file: 'customers.csv', cp932: true },
  { table: 'products', file: 'products.csv', cp932: false },
  { table: 'purchases', file: 'purchases.csv', cp932: false },
  { table: 'mails', file: 'mails.csv', cp932: true },
  { table: 'mail-events', file: 'mail_events.csv', cp932: false },
  { table: 'subscriptions', file: 'subscriptions.csv', cp932: false },
] as const;

const CLI = new URL('../cli/main.js', import.meta.url).pathname;
const FLOOR = new URL('./floor-child.js', import.meta.url).pathname;

/** Runs a child node process under /usr/bin/time to read its peak resident memory. */
export function measured(args: string[], logLevel = 'warn'): { seconds: number; peakMegabytes: number; stdout: string; stderr: string } {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'KUMIWAKE_MAXRSS=%M', process.execPath, ...args], { encoding: 'utf8', env: { ...process.env, KUMIWAKE_LOG_LEVEL: logLevel }, maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`benchmark step failed: ${args.join(' ')}\n${r.stderr}`);
  const rss = /KUMIWAKE_MAXRSS=(\d+)/.exec(r.stderr);
  return { seconds, peakMegabytes: rss ? Number(rss[1]) / 1024 : NaN, stdout: r.stdout, stderr: r.stderr };
}

/** The seconds of each phase an import logged at debug level (IMPORT_PHASE lines of its JSON log). */
export function importPhases(log: string): Record<string, number> {
  const phases: Record<string, number> = {};
  for (const line of log.split('\n')) {
    if (!line.startsWith('{') || !line.includes(IMPORT_PHASE)) continue;
    const entry = JSON.parse(line) as { msg?: string; phase?: string; ms?: number };
    if (entry.msg === IMPORT_PHASE && entry.phase !== undefined && entry.ms !== undefined) phases[entry.phase] = (phases[entry.phase] ?? 0) + entry.ms / 1000;
  }
  return phases;
}

/** The duration the last import recorded in the database (`imports.duration_ms`). */
async function lastImportSeconds(dbPath: string): Promise<number> {
  const db = await DuckDBEngine.open(dbPath, { readOnly: true });
  try {
    const [row] = await db.all<{ ms: bigint }>('SELECT duration_ms AS ms FROM imports ORDER BY import_id DESC LIMIT 1');
    return Number(row!.ms) / 1000;
  } finally {
    db.close();
  }
}

/**
 * Reads a file once so that the import and `read_csv` after it both find it in the page cache:
 * the import runs first, and once other large files had pushed the purchases file out of the
 * cache it took about 4 s more (outside its phases) than with the file cached, which `read_csv`
 * then did not pay.
 */
function readWhole(path: string): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(16 << 20);
    for (let position = 0, read = 1; read > 0; position += read) read = readSync(fd, buffer, 0, buffer.length, position);
  } finally {
    closeSync(fd);
  }
}

/** What the floor's child process printed (floor-child.ts). */
interface FloorRun { readonly seconds: number; readonly summarySeconds?: number; readonly totals?: SummaryTotals }

/** read_csv of `path` into a fresh database (removed before and after), and the hand-written summaries when given the product master. */
export function floorRun(path: string, floorDb: string, products?: string): FloorRun {
  rmSync(floorDb, { force: true });
  try {
    return JSON.parse(measured([FLOOR, path, floorDb, ...(products === undefined ? [] : [products])]).stdout) as FloorRun;
  } finally {
    rmSync(floorDb, { force: true });
    rmSync(`${floorDb}.wal`, { force: true });
  }
}

/** The totals of the summaries the imports into `dbPath` keep (KUMIWAKE_TOTALS). */
export async function kumiwakeTotals(dbPath: string): Promise<SummaryTotals> {
  const db = await DuckDBEngine.open(dbPath, { readOnly: true });
  try {
    return (await db.all<SummaryTotals>(KUMIWAKE_TOTALS))[0]!;
  } finally {
    db.close();
  }
}

/** Imports every file of the data set into a fresh database, next to DuckDB's read_csv of the same file. */
export async function benchImports(dataDir: string, dbPath: string, onFigure: (f: ImportFigure) => void): Promise<ImportFigure[]> {
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.wal`, { force: true });
  const figures: ImportFigure[] = [];
  for (const { table, file, cp932 } of benchFiles) {
    const path = join(dataDir, file);
    readWhole(path);
    const run = measured([CLI, 'import', table, path, '--db', dbPath, '--json'], 'debug');
    const rows = JSON.parse(run.stdout).rowsLoaded as number;
    const seconds = await lastImportSeconds(dbPath);
    let floorSeconds: number | undefined;
    let handSummaries: ImportFigure['handSummaries'];
    if (!cp932) {
      const floor = floorRun(path, `${dbPath}.floor`, table === 'purchases' ? join(dataDir, 'products.csv') : undefined);
      floorSeconds = floor.seconds;
      if (floor.summarySeconds !== undefined && floor.totals !== undefined) {
        handSummaries = { seconds: floor.summarySeconds, differences: totalsDiffer(await kumiwakeTotals(dbPath), floor.totals) };
      }
    }
    const figure = {
      table, file, megabytes: statSync(path).size / 1e6, rows, seconds, commandSeconds: run.seconds, peakMegabytes: run.peakMegabytes, floorSeconds,
      phases: importPhases(run.stderr), ...(handSummaries ? { handSummaries } : {}),
    };
    figures.push(figure);
    onFigure(figure);
  }
  return figures;
}

export interface RepeatedImportFigure {
  readonly table: string;
  readonly file: string;
  readonly megabytes: number;
  /** one entry per run, in run order */
  readonly runs: ReadonlyArray<{ readonly seconds: number; readonly commandSeconds: number; readonly peakMegabytes: number }>;
}

/**
 * The same import several times, each into a fresh scratch database: a single run of a
 * few-second import says little on a shared machine, so the spread is reported.
 */
export async function benchRepeatedImport(dataDir: string, scratchDb: string, table: string, file: string, runs: number): Promise<RepeatedImportFigure> {
  const path = join(dataDir, file);
  const results: Array<RepeatedImportFigure['runs'][number]> = [];
  try {
    for (let i = 0; i < runs; i++) {
      rmSync(scratchDb, { force: true });
      rmSync(`${scratchDb}.wal`, { force: true });
      const run = measured([CLI, 'import', table, path, '--db', scratchDb, '--json']);
      results.push({ seconds: await lastImportSeconds(scratchDb), commandSeconds: run.seconds, peakMegabytes: run.peakMegabytes });
    }
  } finally {
    rmSync(scratchDb, { force: true });
    rmSync(`${scratchDb}.wal`, { force: true });
  }
  return { table, file, megabytes: statSync(path).size / 1e6, runs: results };
}

export interface UpsertFigure {
  readonly lines: number;
  readonly seconds: number;
  readonly peakMegabytes: number;
  /** the full purchases import of the same run, for the ratio */
  readonly fullSeconds: number;
  /** where its time went, as ImportFigure's */
  readonly phases: Readonly<Record<string, number>>;
  /** each total of the summaries the upsert kept that the stored lines disagree with (none: they agree) */
  readonly differences: readonly string[];
}

/**
 * An upsert of 1% of the order lines (whole orders, amounts changed) into the loaded database:
 * the merge and the summaries of the touched customers only.
 */
export async function benchUpsert(dataDir: string, dbPath: string, fullSeconds: number): Promise<UpsertFigure> {
  const changed = join(dataDir, 'purchases-1pct.csv');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`COPY (SELECT * REPLACE (CAST(CAST(amount AS DECIMAL(18, 4)) + 1 AS VARCHAR) AS amount)
      FROM read_csv($file, all_varchar = true) WHERE hash(order_id) % 100 = 0) TO '${changed.replaceAll("'", "''")}' (FORMAT csv, HEADER true)`, { file: join(dataDir, 'purchases.csv') });
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  // As for the full import it is set against: its inputs (the file and the stored lines, which
  // the files read since may have pushed out of the page cache) are read once first.
  readWhole(changed);
  readWhole(dbPath);
  const run = measured([CLI, 'import', 'purchases', changed, '--db', dbPath, '--json'], 'debug');
  const lines = JSON.parse(run.stdout).rowsLoaded as number;
  return {
    lines, seconds: await lastImportSeconds(dbPath), peakMegabytes: run.peakMegabytes, fullSeconds, phases: importPhases(run.stderr),
    differences: await summariesAgainstLines(dbPath),
  };
}

/** Each total of the summaries kept in `dbPath` that differs from the same summaries of its stored lines (STORED_LINES_SUMMARIES). */
export async function summariesAgainstLines(dbPath: string): Promise<string[]> {
  const db = await DuckDBEngine.open(dbPath, { readOnly: true });
  try {
    for (const statement of STORED_LINES_SUMMARIES) await db.run(statement);
    const [fromLines] = await db.all<SummaryTotals>(HAND_TOTALS);
    const [kept] = await db.all<SummaryTotals>(KUMIWAKE_TOTALS);
    return totalsDiffer(kept!, fromLines!);
  } finally {
    db.close();
  }
}
