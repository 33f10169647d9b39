/**
 * Who entered and left a segment between job runs (issue 15, item 4): every number is checked
 * against set differences computed here from the files the runs wrote and the data the test made.
 * The library does the runs; the CLI is spawned only for its flags, output and exit statuses.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KumiwakeError, openWorkspace, type RunOutcome, type Workspace } from '../../src/index.js';
import { query, runCli, tempDir } from '../helpers/cli.js';

const dir = tempDir('kumiwake-run-members-');
const db = join(dir, 'shop.duckdb');
const jobsDir = join(dir, 'jobs');
const outputRoot = join(dir, 'out');
mkdirSync(jobsDir);

/** Customers C0001… with points from a seeded generator; `alive` says who is in the file. */
function customersFile(name: string, ids: readonly number[], seed: number, points?: (id: number) => number): { path: string; points: Map<string, number> } {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) % 101;
  const byId = new Map<string, number>();
  const lines = ['customer_id,name,points'];
  for (const id of ids) {
    const key = `C${String(id).padStart(4, '0')}`;
    const value = points ? points(id) : next();
    byId.set(key, value);
    lines.push(`${key},顧客 ${id},${value}`);
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, points: byId };
}

/** The segment, computed here: customers with 50 points or more. */
const highPoints = (points: Map<string, number>) => new Set([...points].filter(([, p]) => p >= 50).map(([id]) => id));
const minus = (a: Set<string>, b: Set<string>) => new Set([...a].filter((x) => !b.has(x)));
const sorted = (s: Iterable<string>) => [...s].sort();

/** The customer ids of a CSV the run wrote (UTF-8, customer_id first). */
const idsOf = (file: string) => new Set(readFileSync(file, 'utf8').split(/\r?\n/).slice(1).filter((l) => l !== '').map((l) => l.split(',')[0]!));

const csv = (rows: string) => ({ columns: ['customer_id'], encoding: 'utf-8', rows, path: `{job}/{date}-${rows}.csv` });
writeFileSync(join(jobsDir, 'weekly.json'), JSON.stringify({ segment: 'high', keepMembers: 3, outputs: [csv('members'), csv('entered'), csv('left')] }));
writeFileSync(join(jobsDir, 'broken.json'), JSON.stringify({ segment: 'high', outputs: [{ path: 'folder.csv' }] }));
mkdirSync(join(outputRoot, 'folder.csv'), { recursive: true }); // a folder where the file should go: the run fails

const datasets = [
  customersFile('c1.csv', Array.from({ length: 300 }, (_, i) => i + 1), 7),
  // 30 customers gone (a replace import), 30 new, every customer's points drawn again
  customersFile('c2.csv', Array.from({ length: 300 }, (_, i) => i + 31), 11),
  customersFile('c3.csv', Array.from({ length: 300 }, (_, i) => i + 31), 0, () => 10), // nobody qualifies
  customersFile('c4.csv', Array.from({ length: 250 }, (_, i) => i + 61), 13),
];
const dates = ['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23'];

let shop: Workspace;
const outcomes: RunOutcome[] = [];
const fileOf = (date: string, rows: string) => join(outputRoot, 'weekly', `${date}-${rows}.csv`);

beforeAll(async () => {
  shop = await openWorkspace({ db });
  await shop.segments.save('high', { version: 1, name: 'high', where: { kind: 'field', field: 'points', op: 'between', min: 50 } });
  for (let i = 0; i < datasets.length; i++) {
    await shop.import({ table: 'customers', files: [datasets[i]!.path], mode: 'replace' });
    outcomes.push(await shop.runJob('weekly', { jobsDir, outputRoot, asOf: dates[i] }));
  }
}, 60_000);

afterAll(async () => {
  await shop?.close();
});

describe('job runs store their members; entered and left are set differences', () => {
  it('each run selects the customers computed here, and its members file lists them', () => {
    outcomes.forEach((o, i) => {
      expect(o.status).toBe('succeeded');
      const expected = highPoints(datasets[i]!.points);
      expect(o.counted?.count).toBe(expected.size);
      expect(sorted(idsOf(fileOf(dates[i]!, 'members')))).toEqual(sorted(expected));
    });
    expect(outcomes[2]!.counted?.count).toBe(0); // the empty run: entered and left around it compare with an empty set
  });

  it('a first run has nothing to compare with: no entered/left counts, empty entered and left files', async () => {
    expect(outcomes[0]!.comparedWith).toBeUndefined();
    expect(idsOf(fileOf(dates[0]!, 'entered')).size).toBe(0);
    expect(idsOf(fileOf(dates[0]!, 'left')).size).toBe(0);
    const [first] = await shop.history({ segment: 'high' });
    expect(first).toMatchObject({ runId: outcomes[0]!.runId, entered: null, left: null, comparedWith: null, membersKept: false });
  });

  it('entered/left of each later run, its rows "entered"/"left" files and the history equal the differences of the members files', async () => {
    const history = await shop.history({ segment: 'high' });
    for (let i = 1; i < outcomes.length; i++) {
      const before = idsOf(fileOf(dates[i - 1]!, 'members'));
      const now = idsOf(fileOf(dates[i]!, 'members'));
      const [entered, left] = [minus(now, before), minus(before, now)];
      expect(outcomes[i]).toMatchObject({ comparedWith: outcomes[i - 1]!.runId, entered: entered.size, left: left.size });
      expect(sorted(idsOf(fileOf(dates[i]!, 'entered')))).toEqual(sorted(entered));
      expect(sorted(idsOf(fileOf(dates[i]!, 'left')))).toEqual(sorted(left));
      expect(history.find((r) => r.runId === outcomes[i]!.runId)).toMatchObject({ comparedWith: outcomes[i - 1]!.runId, entered: entered.size, left: left.size });
    }
    // Customers removed by the replace import are among those who left, listed by id.
    expect(idsOf(fileOf(dates[1]!, 'left'))).toContain('C0001');
  });

  it('diff lists the same customers, by default between the latest two runs, and writes them with a change column', async () => {
    const [a, b] = [idsOf(fileOf(dates[2]!, 'members')), idsOf(fileOf(dates[3]!, 'members'))];
    const latest = await shop.diff({ segment: 'high', columns: ['customer_id', 'points'] });
    expect(latest.from.runId).toBe(outcomes[2]!.runId);
    expect(latest.to.runId).toBe(outcomes[3]!.runId);
    expect(sorted(latest.entered.rows.map((r) => String(r.customer_id)))).toEqual(sorted(minus(b, a)));
    expect(latest.left.count).toBe(0);
    expect(latest.entered.rows.every((r) => Number(r.points) >= 50)).toBe(true);

    const out = join(dir, 'diff.csv');
    const [from, to] = [outcomes[1]!.runId!, outcomes[3]!.runId!];
    const result = await shop.diff({ segment: 'high', from, to, out, encoding: 'utf-8', columns: ['customer_id', 'name'] });
    const [x, y] = [idsOf(fileOf(dates[1]!, 'members')), idsOf(fileOf(dates[3]!, 'members'))];
    expect(result.entered.count).toBe(minus(y, x).size);
    expect(result.left.count).toBe(minus(x, y).size);
    const lines = readFileSync(out, 'utf8').trim().split(/\r?\n/).map((l) => l.split(','));
    expect(lines[0]).toEqual(['change', 'customer_id', 'name']);
    const side = (change: string) => sorted(lines.slice(1).filter((l) => l[0] === change).map((l) => l[1]!));
    expect(side('entered')).toEqual(sorted(minus(y, x)));
    expect(side('left')).toEqual(sorted(minus(x, y)));
    expect(result.file?.rows).toBe(lines.length - 1);
  });

  it('keeps the member sets of the latest keepMembers runs only; older runs keep their counts, diff says they expired', async () => {
    const history = await shop.history({ segment: 'high' });
    expect(history.map((r) => r.membersKept)).toEqual([false, true, true, true]);
    expect(history[0]!.count).toBe(outcomes[0]!.counted!.count);
    await expect(shop.diff({ segment: 'high', from: outcomes[0]!.runId })).rejects.toThrow(/members of run \d+ are no longer stored/);
  });

  it('a failed or interrupted run stores no members: diffs skip it and name it', async () => {
    const failed = await shop.runJob('broken', { jobsDir, outputRoot, asOf: '2026-11-30' });
    expect(failed.status).toBe('failed');
    await shop.close();
    const stopped = new AbortController();
    stopped.abort('test');
    const interrupted = await openWorkspace({ db, signal: stopped.signal });
    let outcome: RunOutcome;
    try {
      outcome = await interrupted.runJob('weekly', { jobsDir, outputRoot, asOf: '2026-11-30' });
    } finally {
      await interrupted.close();
    }
    expect(outcome.status).toBe('interrupted');
    const stored = await query<{ run_id: bigint; n: bigint }>(db, 'SELECT run_id, count(*) AS n FROM run_members GROUP BY run_id ORDER BY run_id');
    expect(stored.map((r) => Number(r.run_id))).toEqual([outcomes[1]!.runId, outcomes[3]!.runId]); // run 3 kept an empty set
    shop = await openWorkspace({ db });
    for (const run of [failed, outcome]) {
      const error = await shop.diff({ segment: 'high', to: run.runId }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KumiwakeError);
      expect((error as KumiwakeError).exitCode).toBe(2);
      expect((error as KumiwakeError).message).toMatch(/did not succeed \((failed|interrupted)\)/);
    }
    // The next run is compared with the last succeeded one, not the interrupted one.
    const next = await shop.runJob('weekly', { jobsDir, outputRoot, asOf: '2026-12-07' });
    expect(next.comparedWith).toBe(outcomes[3]!.runId);
    expect(next.entered).toBe(0);
    expect(next.left).toBe(0);
  });

  it('compares a run back-dated by hand with the run before its date, and the next run with the latest date before its own', async () => {
    writeFileSync(join(jobsDir, 'daily.json'), JSON.stringify({ segment: 'high', outputs: [{ ...csv('members'), path: '{job}/{date}.csv' }] }));
    const run = (asOf: string) => shop.runJob('daily', { jobsDir, outputRoot, asOf });
    const [first, second] = [await run('2026-11-09'), await run('2026-11-23')];
    const backDated = await run('2026-11-16');
    expect(backDated.comparedWith).toBe(first.runId);
    const following = await run('2026-11-30');
    expect(following.comparedWith).toBe(second.runId); // not the back-dated run, recorded last
    expect((await shop.diff({ segment: 'high', to: following.runId })).from.runId).toBe(second.runId);
  });
});

describe('the CLI', () => {
  const cli = (...args: string[]) => runCli(['--db', db, ...args]);

  beforeAll(async () => {
    await shop.close(); // the CLI opens the file itself
  });

  it('history --segment shows entered and left beside each count; diff lists them; faults are sentences with exit 2', () => {
    const history = cli('history', '--segment', 'high', '--json');
    expect(history.code).toBe(0);
    const runs = JSON.parse(history.stdout) as Array<{ runId: number; entered: number | null; left: number | null }>;
    const second = runs.find((r) => r.runId === outcomes[1]!.runId)!;
    expect([second.entered, second.left]).toEqual([outcomes[1]!.entered, outcomes[1]!.left]);
    const human = cli('history', '--segment', 'high');
    expect(human.stdout).toMatch(/entered\/left/);
    expect(human.stdout).toContain(`+${outcomes[1]!.entered} -${outcomes[1]!.left}`);

    // From a later run to an earlier one (the empty run): its members "left". Run 2's set has expired.
    const [from, to] = [outcomes[3]!.runId!, outcomes[2]!.runId!];
    const listed = cli('diff', '--segment', 'high', '--from', String(from), '--to', String(to), '--json');
    expect(listed.code).toBe(0);
    const diff = JSON.parse(listed.stdout) as { entered: { count: number; rows: Array<{ customer_id: string }> }; left: { count: number; rows: Array<{ customer_id: string; name: string }> } };
    const before = idsOf(fileOf(dates[3]!, 'members'));
    expect(diff.entered.count).toBe(0);
    expect(sorted(diff.left.rows.map((r) => r.customer_id))).toEqual(sorted(before));
    expect(diff.left.rows[0]!.name).toMatch(/^顧客 /);

    const summary = cli('diff', '--segment', 'high', '--from', String(from), '--to', String(to));
    expect(summary.stdout).toContain(`0 entered, ${before.size} left`);
    expect(summary.stdout).toMatch(/left \(\d+; the first 10 by customer_id\)/);

    const unknown = cli('diff', '--segment', 'nobody');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no job run of segment nobody is recorded/);
    const noRun = cli('diff', '--segment', 'high', '--from', '999');
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toMatch(/--from 999: no run 999 of segment high/);
    // The latest run from itself is no comparison (it listed nobody, silently).
    const latest = Math.max(...runs.map((r) => r.runId));
    const itself = cli('diff', '--segment', 'high', '--from', String(latest));
    expect(itself.code).toBe(2);
    expect(itself.stderr).toMatch(new RegExp(`--from ${latest} is the latest succeeded run of job \\S+ for segment high: there is no later run`));
    const same = cli('diff', '--segment', 'high', '--from', String(from), '--to', String(from));
    expect(same.code).toBe(2);
    expect(same.stderr).toContain(`--from and --to are both run ${from}`);
  }, 60_000);
});
