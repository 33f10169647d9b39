import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readDefinitionFile } from './definition-file.js';
import { listJobFiles } from '../jobs/job-file.js';
import type { RunOutcome } from '../jobs/run-job.js';
import type { CountResult } from '../segments/evaluate.js';
import type { TableName, WorkspaceOptions } from './types.js';
import { Workspace } from './workspace.js';
import { stateFileOf } from './open-engine.js';

const SAMPLE_DIR = new URL('../../data/sample/', import.meta.url).pathname;
const SEGMENT_DIR = new URL('../../data/segments/', import.meta.url).pathname;
const JOBS_DIR = new URL('../../jobs/', import.meta.url).pathname;
/** The sample shop's history ends on this day (kumiwake generate --until): its segments are counted as of it. */
export const SAMPLE_AS_OF = '2026-10-31';

export interface DemoResult {
  readonly db: string;
  /** the sample was loaded now (false: the database holds the user's own data, and nothing else was done) */
  readonly loaded: boolean;
  readonly loads: ReadonlyArray<{ table: string; rows: number; file: string; encoding: string }>;
  readonly tables: Record<string, number>;
  readonly segments: ReadonlyArray<{ file: string } & CountResult>;
  readonly jobs: readonly RunOutcome[];
  readonly asOf: string;
}

/**
 * `npm start`: loads the sample shop into the database (created if missing), counts the sample
 * segments, saves them and runs the sample jobs as of the sample's last day. A database that
 * holds the user's own data is never touched: nothing is loaded, saved or run, and the result
 * only says what it holds (`loaded: false`, no segments, no jobs).
 */
export async function runDemo(options: WorkspaceOptions): Promise<DemoResult> {
  if (existsSync(options.db)) {
    // Looked at read-only first: a database holding the user's data is not even opened to write
    // (which would apply schema changes and clear after killed commands).
    const reader = new Workspace({ ...options, readOnly: true });
    try {
      const db = await reader.database();
      const tables = await reader.tableSizes();
      if (!(await db.hasSchemaMark('sample_data')) && Object.values(tables).some((rows) => rows > 0)) {
        return { db: stateFileOf(db).path, loaded: false, loads: [], tables, segments: [], jobs: [], asOf: SAMPLE_AS_OF };
      }
    } finally {
      await reader.close();
    }
  }
  // On ClickHouse the tables are made first, as `kumiwake cluster init` makes them (it keeps what exists).
  if (options.engine) await (await import('./clickhouse.js')).initClickHouse(options.engine, { settingName: options.engineSetting });
  const workspace = new Workspace(options);
  try {
    const db = await workspace.database();
    const loads: Array<{ table: string; rows: number; file: string; encoding: string }> = [];
    const plan: ReadonlyArray<[TableName, string]> = [
      ['customers', 'customers.csv'], ['products', 'products.csv'], ['purchases', 'purchases.csv'], ['mails', 'mails.csv'], ['mail-events', 'mail_events.csv'],
      ['subscriptions', 'subscriptions.csv'],
    ];
    for (const [table, file] of plan) {
      const result = await workspace.import({ table, files: [join(SAMPLE_DIR, file)], mode: 'replace' });
      loads.push({ table: result.table, rows: result.rowsLoaded, file: `data/sample/${file}`, encoding: result.encodings[0] ?? 'utf-8' });
    }
    await db.setSchemaMark('sample_data');
    const tables = await workspace.tableSizes();
    const segments: Array<{ file: string } & CountResult> = [];
    for (const file of readdirSync(SEGMENT_DIR).filter((f) => f.endsWith('.json')).sort()) {
      const definition = readDefinitionFile(join(SEGMENT_DIR, file)) as Record<string, unknown>;
      segments.push({ file: `data/segments/${file}`, ...(await workspace.count({ definition }, { asOf: SAMPLE_AS_OF })) });
      // The sample jobs name these saved segments; a segment the user saved under the name is kept.
      const name = definition.name;
      if (typeof name === 'string' && !(await workspace.segments.list()).some((s) => s.name === name)) await workspace.segments.save(name, definition);
    }
    const jobs: RunOutcome[] = [];
    for (const file of listJobFiles(JOBS_DIR)) jobs.push(await workspace.runJob(file, { asOf: SAMPLE_AS_OF, jobsDir: JOBS_DIR }));
    return { db: stateFileOf(db).path, loaded: true, loads, tables, segments, jobs, asOf: SAMPLE_AS_OF };
  } finally {
    await workspace.close();
  }
}
