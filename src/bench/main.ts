import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DuckDBEngine } from '../engine/duckdb/engine.js';
import { fileOrders, generateSampleData } from '../generate/generate.js';
import { parseLocalDate } from '../model/dates.js';
import { benchCounts, type CountFigure } from './run-counts.js';
import { benchImports, benchFiles, benchRepeatedImport, benchUpsert, type ImportFigure, type RepeatedImportFigure, type UpsertFigure } from './run-imports.js';
import { BENCH_EXPORT_COLUMNS, benchExports, type ExportFigure } from './run-exports.js';
import { benchInteractive, type InteractiveFigure } from './run-interactive.js';
import { benchPostgres, bestPgMs, pgAgrees, type PostgresFigure } from './run-postgres.js';
import { BENCH_CHROMIUM, benchBrowser, type BrowserFigure } from './run-browser.js';
import { benchClickHouse, clickHouseAgrees, clickHouseReport, type ClickHouseFigures } from './run-clickhouse.js';
import { benchProducts, benchSegmentsFor, SEED_42_PRODUCTS } from './segments.js';

/**
 * `npm run bench`: generates (and caches under data/cache/) the reference data set, imports it
 * next to DuckDB's own read_csv, and counts the segment suite next to hand-written DuckDB queries.
 */
const argv = await yargs(hideBin(process.argv))
  .option('scale', { type: 'number', default: 1, describe: '0.1, 1 or 3 times 1,000,000 customers' })
  .option('order', { choices: fileOrders, default: 'date' as const, describe: 'order of the order lines and mail events in their files (date: as a cart exports them)' })
  .option('seed', { type: 'number', default: 42, describe: 'seed of the generated shop: another seed gives data the figures were not tuned on (its own folder and database)' })
  .option('runs', { type: 'number', default: 5, describe: 'timed runs per count (median reported), after one warm-up' })
  .option('skip-import', { type: 'boolean', default: false, describe: 'reuse the database of an earlier run' })
  .option('skip-counts', { type: 'boolean', default: false, describe: 'leave out the segment counts' })
  .option('skip-postgres', { type: 'boolean', default: false, describe: 'leave out the PostgreSQL 15 comparison' })
  .option('interactive-runs', { type: 'number', default: 20, describe: 'edited definitions per interactive series (0: none)' })
  .option('skip-browser', { type: 'boolean', default: false, describe: 'leave out the live counts in Chromium (on when /usr/bin/chromium exists)' })
  .option('skip-exports', { type: 'boolean', default: false, describe: 'leave out the exports' })
  .option('pg-runs', { type: 'number', default: 3, describe: 'timed runs per PostgreSQL count (median reported), after one warm-up' })
  .option('cp932-runs', { type: 'number', default: 5, describe: 'extra runs of the CP932 customers import, for its spread (0: none)' })
  .option('engine', { type: 'string', describe: 'also count on ClickHouse: "clickhouse" starts local 18.16 servers (a cluster of 1, then 2 shards); clickhouse://HOST:8123/DB?cluster=NAME uses that cluster (the bench replaces DB\'s rows)' })
  .option('clickhouse-shards', { type: 'array', number: true, default: [1, 2], describe: 'with --engine clickhouse: the cluster sizes timed' })
  .option('clickhouse-threads', { type: 'number', default: 1, describe: 'with --engine clickhouse: max_threads of each local server (1: one core per shard)' })
  .option('json', { type: 'string', describe: 'also write the figures to this JSON file' })
  .strict()
  .parse();

const UNTIL = '2026-10-31';
const root = resolve(new URL('../../data/cache/', import.meta.url).pathname);
// The default seed keeps the folder name earlier runs cached their files under.
const dataName = `bench-${argv.scale}x-${argv.order}${argv.seed === 42 ? '' : `-seed${argv.seed}`}`;
const dataDir = join(root, dataName);
const dbPath = join(root, `${dataName}.duckdb`);
mkdirSync(root, { recursive: true });

if (!benchFiles.every((f) => existsSync(join(dataDir, f.file)))) {
  process.stderr.write(`generating ${argv.scale * 1_000_000} customers (seed ${argv.seed}; lines and events in ${argv.order} order) into ${dataDir} (cached for later runs)...\n`);
  await generateSampleData({ customers: Math.round(argv.scale * 1_000_000), outDir: dataDir, seed: argv.seed, until: UNTIL, order: argv.order });
}

const pad = (s: string | number, n: number) => String(s).padStart(n);
/** "where the time went" under an import's line, for the imports that derive anything or look up customers */
const phaseLine = (phases: Readonly<Record<string, number>>) => {
  const shown = Object.entries(phases).filter(([, seconds]) => seconds >= 0.05);
  return shown.length > 1 ? `${' '.repeat(17)}where the time went: ${shown.map(([phase, seconds]) => `${phase} ${seconds.toFixed(1)} s`).join(', ')}\n` : '';
};
/** Under the order lines' import: read_csv and the hand-written summaries, set against the import, and whether their totals agree. */
const handLine = (f: ImportFigure) => {
  if (f.handSummaries === undefined || f.floorSeconds === undefined) return '';
  const together = f.floorSeconds + f.handSummaries.seconds;
  const agreement = f.handSummaries.differences.length === 0 ? 'their totals agree with the import\'s summaries' : `!! their totals differ: ${f.handSummaries.differences.join('; ')}`;
  return `${' '.repeat(17)}read_csv and hand-written summaries: ${f.floorSeconds.toFixed(2)} + ${f.handSummaries.seconds.toFixed(2)} = ${together.toFixed(2)} s, the import ${(f.seconds / together).toFixed(2)}x of it; ${agreement}\n`;
};
let imports: ImportFigure[] = [];
if (!argv['skip-import'] || !existsSync(dbPath)) {
  process.stdout.write(`\nImport (${argv.scale}x)                     MB       rows   kumiwake  read_csv  ratio   MB/s  peak MB  command\n`);
  imports = await benchImports(dataDir, dbPath, (f) =>
    process.stdout.write(`  ${f.table.padEnd(12)} ${f.file.padEnd(16)} ${pad(f.megabytes.toFixed(0), 6)} ${pad(f.rows, 10)} ${pad(f.seconds.toFixed(2), 9)} s ${f.floorSeconds === undefined ? '   (CP932)' : pad(f.floorSeconds.toFixed(2), 7) + ' s'} ${f.floorSeconds === undefined ? '      ' : pad((f.seconds / f.floorSeconds).toFixed(2), 6)} ${pad((f.megabytes / f.seconds).toFixed(0), 6)} ${pad(f.peakMegabytes.toFixed(0), 8)} ${pad(f.commandSeconds.toFixed(1), 6)} s\n${phaseLine(f.phases)}${handLine(f)}`));
}

// Right after the imports, in the conditions of the full import it is set against: run after the
// counts and Chromium (session 13) the same upsert took 5.1-5.4 s against 3.8 s here.
let upsert: UpsertFigure | undefined;
const fullPurchases = imports.find((f) => f.table === 'purchases');
if (fullPurchases) {
  upsert = await benchUpsert(dataDir, dbPath, fullPurchases.seconds);
  process.stdout.write(`  upsert of 1% of the order lines (${upsert.lines} lines, whole orders, amounts changed): ${upsert.seconds.toFixed(2)} s, ${(100 * upsert.seconds / upsert.fullSeconds).toFixed(1)}% of the full import; peak ${upsert.peakMegabytes.toFixed(0)} MB\n${phaseLine(upsert.phases)}`);
  process.stdout.write(`${' '.repeat(17)}${upsert.differences.length === 0 ? 'its summaries total what the stored lines hold' : `!! its summaries differ from the stored lines: ${upsert.differences.join('; ')}`}\n`);
}

let cp932: RepeatedImportFigure | undefined;
if (!argv['skip-import'] && argv['cp932-runs'] > 0) {
  cp932 = await benchRepeatedImport(dataDir, `${dbPath}.cp932`, 'customers', 'customers.csv', argv['cp932-runs']);
  const spread = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return `${sorted[0]!.toFixed(2)}-${sorted.at(-1)!.toFixed(2)} s (median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} s)`;
  };
  const megabytesPerSecond = (seconds: number[]) => `${(cp932!.megabytes / Math.max(...seconds)).toFixed(0)}-${(cp932!.megabytes / Math.min(...seconds)).toFixed(0)} MB/s`;
  const imports = cp932.runs.map((r) => r.seconds);
  const commands = cp932.runs.map((r) => r.commandSeconds);
  process.stdout.write(`  customers (CP932) over ${cp932.runs.length} more runs: import ${spread(imports)}, ${megabytesPerSecond(imports)}; whole command ${spread(commands)}, ${megabytesPerSecond(commands)}; peak ${Math.max(...cp932.runs.map((r) => r.peakMegabytes)).toFixed(0)} MB\n`);
}

// The combined segments' two products, as this shop has them (another seed may make P00001 a supplement).
const products = argv['skip-counts'] ? SEED_42_PRODUCTS : await (async () => {
  const db = await DuckDBEngine.open(dbPath, { readOnly: true });
  try {
    return await benchProducts(db);
  } finally {
    db.close();
  }
})();
const segments = benchSegmentsFor(products);
if (!argv['skip-counts']) process.stdout.write(`\nCounts (${argv.scale}x, median of ${argv.runs})              customers   planner  hand-written  ratio   kumiwake count\n`);
const counts: CountFigure[] = argv['skip-counts'] ? [] : await benchCounts(dbPath, parseLocalDate(UNTIL)!, argv.runs, (f) => {
  if (f.count !== f.handCount) process.stdout.write(`  !! ${f.name}: planner ${f.count} != hand-written ${f.handCount}\n`);
  process.stdout.write(`  ${f.name.padEnd(34)} ${pad(f.count, 9)} ${pad(f.medianMs.toFixed(0), 7)} ms ${pad(f.handMedianMs.toFixed(0), 9)} ms ${pad((f.medianMs / f.handMedianMs).toFixed(2), 6)} ${pad(f.commandMedianMs.toFixed(0), 10)} ms\n`);
}, segments);
if (!argv['skip-counts']) process.stdout.write(`  (the combined segments' products: ${products.first} and ${products.second})\n`);

let clickhouse: ClickHouseFigures | { skipped: string } = { skipped: 'not asked for' };
if (!argv['skip-counts'] && argv.engine !== undefined) {
  process.stdout.write(`\nClickHouse (${argv.scale}x, median of ${argv.runs}, the same segments and data; DuckDB: the planner's count above)\n`);
  clickhouse = await benchClickHouse({
    duckdbPath: dbPath, asOf: parseLocalDate(UNTIL)!, runs: argv.runs, engine: argv.engine, shardCounts: argv['clickhouse-shards'] as number[],
    maxThreads: argv['clickhouse-threads'], workDir: join(root, 'clickhouse-work'), duckdb: counts, log: (line) => process.stdout.write(`${line}\n`), segments,
  });
  const lines = 'skipped' in clickhouse ? [`  skipped: ${clickhouse.skipped}`] : [`  ${clickhouse.server}`, ...clickHouseReport(clickhouse, counts)];
  process.stdout.write(`${lines.join('\n')}\n`);
}

let interactive: InteractiveFigure[] = [];
if (!argv['skip-counts'] && argv['interactive-runs'] > 0) {
  process.stdout.write(`\nInteractive counts (${argv.scale}x, combined LTV, one condition changed per count, workspace kept open)\n  edited condition                   counts   first   median     p95   whole count  agree\n`);
  interactive = await benchInteractive(dbPath, UNTIL, argv['interactive-runs'], (f) =>
    process.stdout.write(`  ${f.edit.padEnd(34)} ${pad(f.counts, 6)} ${pad(f.firstMs.toFixed(0), 5)} ms ${pad(f.medianMs.toFixed(0), 5)} ms ${pad(f.p95Ms.toFixed(0), 5)} ms ${pad(f.wholeMedianMs.toFixed(0), 9)} ms  ${f.agree ? 'yes' : 'NO'}\n`), segments);
}

let browser: BrowserFigure[] | { skipped: string } = { skipped: 'not asked for' };
if (!argv['skip-counts'] && !argv['skip-browser'] && argv['interactive-runs'] > 0) {
  process.stdout.write(`\nLive counts in the browser (${argv.scale}x, combined LTV typed into the JSON view, one condition edited each time; request to rendered number)\n  edited condition                    edits  median     p95  >200 ms  server median/p95  answer→render  node counts median/p95  agree\n`);
  browser = await benchBrowser(dbPath, argv['interactive-runs'], (f) =>
    process.stdout.write(`  ${f.edit.padEnd(34)} ${pad(f.edits, 6)} ${pad(f.medianMs.toFixed(0), 5)} ms ${pad(f.p95Ms.toFixed(0), 5)} ms ${pad(f.editsOver200Ms, 7)}  ${pad(f.serverMedianMs.toFixed(0), 7)} / ${pad(f.serverP95Ms.toFixed(0), 4)} ms ${pad(f.renderMedianMs.toFixed(0), 10)} ms ${pad(f.nodesMedianMs.toFixed(0), 12)} / ${pad(f.nodesP95Ms.toFixed(0), 5)} ms  ${f.agree ? 'yes' : 'NO'}\n`), segments)
    ?? { skipped: `no Chromium at ${BENCH_CHROMIUM}` };
  if (!Array.isArray(browser)) process.stdout.write(`  skipped: ${browser.skipped} (apt-get install chromium, or set KUMIWAKE_CHROMIUM)\n`);
}

let postgres: PostgresFigure[] | { skipped: string } = { skipped: 'not asked for' };
if (!argv['skip-counts'] && !argv['skip-postgres']) {
  process.stdout.write(`\nPostgreSQL 15 (${argv.scale}x, median of ${argv['pg-runs']}; the same raw tables and summary tables, indexed; – where the planner reads no summary)\n`);
  process.stdout.write(`  ${'segment'.padEnd(44)} ${pad('customers', 9)} ${pad('PG raw tables', 14)} ${pad('PG summaries', 13)} ${pad('kumiwake', 10)} ${pad('best PG / kumiwake', 19)}\n`);
  postgres = await benchPostgres(dbPath, root, argv.scale, parseLocalDate(UNTIL)!, argv['pg-runs'], counts, (f) => {
    if (f.pgCount !== f.count) process.stdout.write(`  !! ${f.name}: PostgreSQL (raw tables) ${f.pgCount} != kumiwake ${f.count}\n`);
    if (f.pgSummaryCount !== undefined && f.pgSummaryCount !== f.count) process.stdout.write(`  !! ${f.name}: PostgreSQL (summaries) ${f.pgSummaryCount} != kumiwake ${f.count}\n`);
    const summary = f.pgSummaryMedianMs === undefined ? `${pad('–', 10)}   ` : `${pad(f.pgSummaryMedianMs.toFixed(0), 10)} ms`;
    process.stdout.write(`  ${f.name.padEnd(44)} ${pad(f.pgCount, 9)} ${pad(f.pgMedianMs.toFixed(0), 11)} ms ${summary} ${pad(f.kumiwakeMs.toFixed(0), 7)} ms ${pad((bestPgMs(f) / f.kumiwakeMs).toFixed(1), 18)}x\n`);
  }, (line) => process.stdout.write(`${line}\n`), segments);
  if (!Array.isArray(postgres)) process.stdout.write(`  skipped: ${postgres.skipped}\n`);
}

if (!argv['skip-exports']) process.stdout.write(`\nExports (${argv.scale}x, every customer, 10 columns: ${BENCH_EXPORT_COLUMNS})\n  format        rows      MB   seconds  peak MB\n`);
const exports: ExportFigure[] = argv['skip-exports'] ? [] : benchExports(dbPath, join(root, 'exports'), UNTIL, (f) =>
  process.stdout.write(`  ${f.format.padEnd(8)} ${pad(f.rows, 10)} ${pad(f.megabytes.toFixed(0), 7)} ${pad(f.seconds.toFixed(2), 9)} ${pad(f.peakMegabytes.toFixed(0), 8)}\n`));

if (argv.json) writeFileSync(argv.json, `${JSON.stringify({ scale: argv.scale, order: argv.order, seed: argv.seed, until: UNTIL, products, imports, cp932, counts, interactive, browser, upsert, postgres, clickhouse, exports }, null, 2)}\n`);
if (interactive.some((f) => !f.agree) || (Array.isArray(browser) && browser.some((f) => !f.agree)) || counts.some((c) => c.count !== c.handCount) || (Array.isArray(postgres) && postgres.some((p) => !pgAgrees(p)))
  || ('setups' in clickhouse && !clickHouseAgrees(clickhouse, counts)) || imports.some((f) => (f.handSummaries?.differences.length ?? 0) > 0)
  || (upsert?.differences.length ?? 0) > 0) process.exitCode = 1;
