/**
 * A run's member set is written with the run's `succeeded` record or not at all (issue 15,
 * item 4): a run that stops inside that transaction (killed, a failed statement) leaves no ids a
 * diff could read, and is later read as interrupted.
 */
import { describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { MEMBERS_TABLE } from '../../src/export/select.js';
import { RunHistory } from '../../src/jobs/history.js';
import { RunMembers } from '../../src/jobs/run-members.js';

const ids = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `C${String(from + i).padStart(4, '0')}`);

async function evaluated(db: DuckDBEngine, members: readonly string[]): Promise<void> {
  await db.query({ sql: `DROP TABLE IF EXISTS ${MEMBERS_TABLE}`, parameters: [] });
  await db.query({ sql: `CREATE TEMP TABLE ${MEMBERS_TABLE} AS SELECT unnest($1) AS customer_id`, parameters: [[...members]] });
}

describe('run members', () => {
  it('are stored with the succeeded run, or not at all when the transaction stops', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      const history = new RunHistory(db);
      const first = await history.start({ job: 'weekly', segment: 'high', trigger: 'manual' });
      await evaluated(db, ids(30));
      const stored = await RunMembers.capture(db, { job: 'weekly', segment: 'high', runId: first });
      await db.transaction(async () => history.finish(first, { status: 'succeeded', segment: 'high', files: [], members: await stored.store(first) }));

      const second = await history.start({ job: 'weekly', segment: 'high', trigger: 'manual' });
      await evaluated(db, ids(30, 11)); // C0011..C0040: 10 entered, 10 left
      const lost = await RunMembers.capture(db, { job: 'weekly', segment: 'high', runId: second });
      expect(lost.comparedRun).toBe(first);
      expect(await lost.select('entered')).toBe(10);
      expect(await lost.select('left')).toBe(10);
      await expect(db.transaction(async () => {
        await history.finish(second, { status: 'succeeded', segment: 'high', files: [], members: await lost.store(second) });
        throw new Error('stopped before the commit');
      })).rejects.toThrow('stopped before the commit');

      const rows = await db.query<{ run_id: bigint; n: bigint }>({ sql: 'SELECT run_id, count(*) AS n FROM run_members GROUP BY run_id', parameters: [] });
      expect(rows.map((r) => [Number(r.run_id), Number(r.n)])).toEqual([[first, 30]]);
      // The process that ran it is gone (a kill): the run reads as interrupted, without members.
      await db.query({ sql: 'UPDATE job_runs SET pid = NULL WHERE run_id = $1', parameters: [second] });
      const runs = await history.list({ segment: 'high' }, () => false);
      expect(runs.map((r) => [r.runId, r.status, r.membersKept])).toEqual([[first, 'succeeded', true], [second, 'interrupted', false]]);
    } finally {
      db.close();
    }
  });
});
