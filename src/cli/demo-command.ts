import { relative } from 'node:path';
import type { Argv } from 'yargs';
import { runDemo } from '../index.js';
import { workspaceOptions } from './context.js';
import { emit, type GlobalArgs } from './output.js';

/**
 * `npm start`: loads the sample shop into the database (created if missing) and prints what it
 * holds. A database that holds the user's own data is never touched (nothing loaded, saved or run).
 */
export function demoCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command('demo', 'load the sample shop into the database and show what it holds', (y) => y, async (argv) => {
    const demo = await runDemo(workspaceOptions(argv));
    const { db, asOf } = demo;
    emit(argv, { db, loaded: demo.loaded, jobs: demo.jobs.map((r) => ({ job: r.job, status: r.status, count: r.counted?.count, files: r.files })), tables: demo.tables, segments: demo.segments }, () =>
      !demo.loaded ? [
        `${db} holds your own data: the sample was not loaded, no sample segment was saved and no sample job was run.`,
        'It holds:',
        ...Object.entries(demo.tables).map(([table, n]) => `  ${table.padEnd(12)} ${String(n).padStart(7)} rows`),
        'To try the sample shop, give another database: npm start -- --db data/sample.duckdb (or KUMIWAKE_DB=data/sample.duckdb npm start)',
      ].join('\n') : [
        `Loaded the sample shop into ${db}:`,
        ...demo.loads.map((l) => `  ${l.table.padEnd(12)} ${String(l.rows).padStart(7)} rows from ${l.file} (${l.encoding})`),
        'Tables now hold:',
        ...Object.entries(demo.tables).map(([table, n]) => `  ${table.padEnd(12)} ${String(n).padStart(7)} rows`),
        `Sample segments, as of ${asOf} (count, then reachable by email / LINE / DM):`,
        ...demo.segments.map((s) => `  ${s.file.padEnd(46)} ${String(s.count).padStart(5)}   ${s.reachable.email} / ${s.reachable.line} / ${s.reachable.dm}`),
        `Sample jobs (jobs/*.json), run as of ${asOf}:`,
        ...demo.jobs.flatMap((r) => [`  ${r.job.padEnd(28)} ${r.status.padEnd(10)} ${String(r.counted?.count ?? '-').padStart(5)} customers`,
          ...r.files.map((f) => `    ${relative(process.cwd(), f)}`), ...(r.error ? [`    ${(r.error as Error).message}`] : [])]),
        `Try: npx kumiwake count data/segments/dormant-repeaters.json --as-of ${asOf}`,
        '     npx kumiwake history',
        `     npx kumiwake export --segment dormant-repeaters --as-of ${asOf} --out data/out/dormant.xlsx`,
        '     npx kumiwake serve   (the web segment builder: then open http://127.0.0.1:8787/)',
      ].join('\n'),
    );
  });
}
