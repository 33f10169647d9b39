import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import type { DatabaseAccess, RunOutcome } from '../../src/jobs/run-job.js';
import { tempDir } from '../helpers/cli.js';

/**
 * DuckDB lets one process open the same file twice without complaint, so the scheduler must have
 * closed the database it looked missed runs up in before a run opens it again.
 */
describe('the scheduler and its database', () => {
  it('never holds two open instances of the database file: the catch-up run opens it after the look-up closed it', async () => {
    const root = tempDir();
    const file = join(root, 'shop.duckdb');
    const jobsDir = join(root, 'jobs');
    mkdirSync(jobsDir);
    writeFileSync(join(jobsDir, 'daily.json'), JSON.stringify({ definition: { version: 1 }, schedule: '0 0 * * *', timezone: 'UTC', missed: 'run-latest', outputs: [] }));
    const setup = await DuckDBEngine.open(file);
    // Ran three days ago: today's midnight was missed.
    await setup.run(`INSERT INTO job_runs (job, trigger, scheduled_for, started_at, finished_at, status)
      VALUES ('daily', 'schedule', now()::TIMESTAMP - INTERVAL 3 DAY, now()::TIMESTAMP - INTERVAL 3 DAY, now()::TIMESTAMP - INTERVAL 3 DAY, 'succeeded')`);
    setup.close();

    let open = 0;
    let mostOpen = 0;
    const database: DatabaseAccess = {
      path: file,
      open: async () => {
        const db = await DuckDBEngine.open(file);
        mostOpen = Math.max(mostOpen, ++open);
        // Closing takes a moment, as a server's members table is dropped first on ClickHouse.
        return { db, release: async () => { await new Promise((r) => setTimeout(r, 50)); db.close(); open--; } };
      },
    };
    const runs: RunOutcome[] = [];
    const scheduler = new Scheduler({ database, jobsDir, outputRoot: join(root, 'out'), graceMs: 10_000, onRun: (outcome) => { runs.push(outcome); scheduler.stop('test over'); } });
    await scheduler.run();
    expect(runs).toMatchObject([{ job: 'daily', status: 'succeeded' }]);
    expect(mostOpen).toBe(1);
    expect(open).toBe(0);
  });
});
