import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Argv } from 'yargs';
import { Database } from '../db/database.js';
import { customers, mailEvents, mails, products, purchases } from '../catalog/tables.js';
import { importFiles } from '../import/run-import.js';
import { emit, type GlobalArgs } from './output.js';
import { parseDefinitionFile } from './definition-input.js';
import { parseLocalDate } from '../model/dates.js';
import { countSegment, type CountResult } from '../segments/evaluate.js';
import { SegmentStore } from '../segments/store.js';
import { defaultOutputRoot, listJobFiles } from '../jobs/job-file.js';
import type { RunOutcome } from '../jobs/run-job.js';

const SAMPLE_DIR = new URL('../../data/sample/', import.meta.url).pathname;
const SEGMENT_DIR = new URL('../../data/segments/', import.meta.url).pathname;
const JOBS_DIR = new URL('../../jobs/', import.meta.url).pathname;
/** The sample shop's history ends on this day (kumiwake generate --until): its segments are counted as of it. */
const SAMPLE_AS_OF = '2026-10-31';

/**
 * `npm start`: loads the sample shop into the database (created if missing) and prints what it
 * holds. A database that holds the user's own data is never overwritten.
 */
export function demoCommand(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs.command('demo', 'load the sample shop into the database and show what it holds', (y) => y, async (argv) => {
    const fresh = !existsSync(argv.db);
    const db = await Database.open(argv.db);
    try {
      const [marker] = await db.all<{ value: string }>(`SELECT value FROM schema_info WHERE key = 'sample_data'`);
      const [{ n }] = (await db.all<{ n: bigint }>('SELECT count(*) AS n FROM customers')) as [{ n: bigint }];
      const loads: string[] = [];
      if (fresh || marker || n === 0n) {
        const plan = [
          [customers, 'customers.csv'], [products, 'products.csv'], [purchases, 'purchases.csv'], [mails, 'mails.csv'], [mailEvents, 'mail_events.csv'],
        ] as const;
        for (const [table, file] of plan) {
          const result = await importFiles(db, { table, files: [join(SAMPLE_DIR, file)], mode: 'replace' });
          loads.push(`  ${table.table.padEnd(12)} ${String(result.rowsLoaded).padStart(7)} rows from data/sample/${file} (${result.encodings[0]})`);
        }
        await db.run(`INSERT OR REPLACE INTO schema_info VALUES ('sample_data', '1')`);
      }
      const counts = await db.all<{ table: string; n: bigint }>(
        `SELECT 'customers' AS "table", count(*) AS n FROM customers UNION ALL SELECT 'purchases', count(*) FROM purchases
         UNION ALL SELECT 'products', count(*) FROM products UNION ALL SELECT 'mails', count(*) FROM mails
         UNION ALL SELECT 'mail_events', count(*) FROM mail_events`,
      );
      const store = await SegmentStore.load(db);
      const asOf = parseLocalDate(SAMPLE_AS_OF)!;
      const segments: Array<{ file: string } & CountResult> = [];
      for (const file of readdirSync(SEGMENT_DIR).filter((f) => f.endsWith('.json')).sort()) {
        const definition = parseDefinitionFile(join(SEGMENT_DIR, file));
        segments.push({ file: `data/segments/${file}`, ...(await countSegment(db, definition, store, asOf)) });
        // The sample jobs name these saved segments; a segment the user saved under the name is kept.
        const name = (definition as { name?: string }).name;
        if (name && !store.get(name)) await store.save(name, definition, asOf);
      }
      db.close();
      // The sample jobs, run now as of the sample's last day: the files they write and the history.
      const { runJob } = await import('../jobs/run-job.js');
      const runs: RunOutcome[] = [];
      for (const file of listJobFiles(JOBS_DIR)) runs.push(await runJob(file, { dbPath: argv.db, trigger: 'manual', asOf, outputRoot: defaultOutputRoot(JOBS_DIR) }));
      emit(argv, { db: db.path, loaded: loads.length > 0, jobs: runs.map((r) => ({ job: r.job, status: r.status, count: r.counted?.count, files: r.files })), tables: Object.fromEntries(counts.map((c) => [c.table, Number(c.n)])), segments }, () =>
        [
          loads.length > 0 ? `Loaded the sample shop into ${db.path}:` : `${db.path} holds your own data; the sample was not loaded.`,
          ...loads,
          'Tables now hold:',
          ...counts.map((c) => `  ${c.table.padEnd(12)} ${String(c.n).padStart(7)} rows`),
          `Sample segments, as of ${SAMPLE_AS_OF} (count, then reachable by email / LINE / DM):`,
          ...segments.map((s) => `  ${s.file.padEnd(46)} ${String(s.count).padStart(5)}   ${s.reachable.email} / ${s.reachable.line} / ${s.reachable.dm}`),
          `Sample jobs (jobs/*.json), run as of ${SAMPLE_AS_OF}:`,
          ...runs.flatMap((r) => [`  ${r.job.padEnd(28)} ${r.status.padEnd(10)} ${String(r.counted?.count ?? '-').padStart(5)} customers`,
            ...r.files.map((f) => `    ${relative(process.cwd(), f)}`), ...(r.error ? [`    ${(r.error as Error).message}`] : [])]),
          `Try: npx kumiwake count data/segments/dormant-repeaters.json --as-of ${SAMPLE_AS_OF}`,
          '     npx kumiwake history',
          `     npx kumiwake export --segment dormant-repeaters --as-of ${SAMPLE_AS_OF} --out data/out/dormant.xlsx`,
        ].join('\n'),
      );
    } finally {
      if (db.isOpen) db.close();
    }
  });
}
