import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, importShop, parseCsv, query, runCli, tempDir, writeCsv } from '../helpers/cli.js';

const AS_OF = '2025-03-31';
type Run = { job: string; segment: string | null; startedAt: string; finishedAt: string | null; status: string; count: number | null; asOf: string | null; trigger: string; scheduledFor: string | null; files: string[]; error: string | null };

/** A project folder: jobs/ beside the database, outputs resolved against the project. */
function project(): { root: string; db: string; jobs: string } {
  const root = tempDir();
  const db = importShop(root);
  const jobs = join(root, 'jobs');
  mkdirSync(jobs);
  return { root, db, jobs };
}
const writeJob = (jobs: string, name: string, job: unknown) => writeFileSync(join(jobs, `${name}.json`), typeof job === 'string' ? job : JSON.stringify(job));
const history = (db: string, ...args: string[]): Run[] => {
  const r = runCli(['history', '--db', db, '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Run[];
};
async function execSql(db: string, sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(db);
  const conn = await instance.connect();
  await conn.run(sql);
  conn.closeSync();
  instance.closeSync();
}

const reachableByEmail = { version: 1, name: 'emailable', where: { kind: 'reachable', channel: 'email' } };

describe('kumiwake run', () => {
  let p: ReturnType<typeof project>;
  beforeAll(() => {
    p = project();
    writeJob(p.jobs, 'emailable', { definition: reachableByEmail, outputs: [
      { path: '{job}/{date}.csv', columns: ['customer_id', 'email_pc'], encoding: 'utf-8' },
      { path: '{job}/{segment}-{date}.xlsx' },
    ] });
    writeJob(p.jobs, 'bad-segment', { definition: { version: 1, where: { kind: 'purchases', orderCount: { min: 3, max: 1 } } }, outputs: [{ path: 'bad.csv' }] });
    writeJob(p.jobs, 'bad-file', '{ "segment": "x", ');
    writeJob(p.jobs, 'unknown-saved', { segment: 'no-such-segment', outputs: [] });
  });

  it('evaluates the segment, writes every output under the project and records the run', () => {
    const r = runCli(['run', 'emailable', '--jobs-dir', p.jobs, '--db', p.db, '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const csv = join(p.root, 'data', 'out', 'emailable', `${AS_OF}.csv`);
    const xlsx = join(p.root, 'data', 'out', 'emailable', `emailable-${AS_OF}.xlsx`);
    expect(JSON.parse(r.stdout)).toMatchObject({ job: 'emailable', status: 'succeeded', asOf: AS_OF, count: 1, reachable: { email: 1 }, files: [csv, xlsx] });
    expect(parseCsv(readFileSync(csv, 'utf8'))).toEqual([['customer_id', 'email_pc'], ['001', 'a@x.jp']]);
    expect(existsSync(xlsx)).toBe(true);
    const [run] = history(p.db, '--job', 'emailable');
    expect(run).toMatchObject({ job: 'emailable', segment: 'emailable', trigger: 'manual', status: 'succeeded', asOf: AS_OF, count: 1, reachable: { email: 1, line: 1, dm: 1 }, files: [csv, xlsx], error: null });
  });

  it('names the job file and the JSON path of an output column the database lacks', () => {
    writeJob(p.jobs, 'unknown-attr', { definition: reachableByEmail, outputs: [{ path: 'attr.csv', columns: ['customer_id', 'attr:nope'] }] });
    const r = runCli(['run', 'unknown-attr', '--jobs-dir', p.jobs, '--db', p.db, '--as-of', AS_OF, '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toContain(`${join(p.jobs, 'unknown-attr.json')}: outputs[0].columns[1]: unknown column "attr:nope"`);
    expect(existsSync(join(p.root, 'data', 'out', 'attr.csv'))).toBe(false);
  });

  it('warns when jobs run together write the same file (the later replaces it), not when each runs alone', () => {
    writeJob(p.jobs, 'same-a', { definition: reachableByEmail, outputs: [{ path: 'same-{date}.csv' }] });
    writeJob(p.jobs, 'same-b', { definition: { version: 1 }, outputs: [{ path: 'same-{date}.csv' }, { path: '{job}.csv' }] });
    const together = runCli(['run', 'same-a', 'same-b', '--jobs-dir', p.jobs, '--db', p.db, '--as-of', AS_OF]);
    expect(together.code, together.stderr).toBe(0);
    expect(together.stderr).toContain(`kumiwake: warning: jobs "same-a" and "same-b" write the same file ${join(p.root, 'data', 'out', 'same-{date}.csv')}`);
    expect(parseCsv(readFileSync(join(p.root, 'data', 'out', `same-${AS_OF}.csv`), 'utf8')).length).toBe(1 + 4); // same-b's four visible customers replaced same-a's one
    const alone = runCli(['run', 'same-a', '--jobs-dir', p.jobs, '--db', p.db, '--as-of', AS_OF]);
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stderr).not.toContain('warning');
  });

  it('records an invalid segment with the planner\'s message, and the other jobs of the command still run', () => {
    const r = runCli(['run', 'bad-segment', 'emailable', 'bad-file', '--jobs-dir', p.jobs, '--db', p.db, '--as-of', AS_OF, '--json']);
    expect(r.code).toBe(2);
    const outcomes = JSON.parse(r.stdout) as Array<{ job: string; status: string; error?: string }>;
    expect(outcomes.map((o) => [o.job, o.status])).toEqual([['bad-segment', 'failed'], ['emailable', 'succeeded'], ['bad-file', 'failed']]);
    const runs = history(p.db);
    const bad = runs.filter((x) => x.job === 'bad-segment').at(-1)!;
    expect(bad.error).toMatch(/where\.orderCount: .*min.*max/);
    expect(runs.filter((x) => x.job === 'bad-file').at(-1)!.error).toMatch(/bad-file\.json:1:19: not valid JSON/);
    expect(existsSync(join(p.root, 'data', 'out', 'bad.csv'))).toBe(false);
    for (const limit of ['-1', '0', 'abc', '1.5']) {
      const wrong = runCli(['history', '--db', p.db, '--limit', limit]);
      expect([limit, wrong.code, wrong.stderr.trim()]).toEqual([limit, 2, 'kumiwake: --limit must be a whole number of 1 or more (the latest N runs)']);
    }
    expect(runCli(['history', '--db', p.db, '--json', '--limit', '1']).stdout).toMatch(/"runId"/);
    // A job name with no run (a typo) is said to be one, with the nearest job that has runs.
    const typo = runCli(['history', '--db', p.db, '--job', 'emailabel']);
    expect(typo.code, typo.stderr).toBe(0);
    expect(typo.stdout).toMatch(/^no run of job "emailabel" is recorded \(did you mean "emailable"\?\); jobs with runs: .*emailable/);
  });

  it('keeps the warnings of a segment naming what the data does not hold; a strict job fails on them and writes nothing', () => {
    const typo = { version: 1, name: 'typo', where: { not: { kind: 'mail', event: 'open', mails: ['M1', 'M3'] } } };
    writeJob(p.jobs, 'warned', { definition: typo, outputs: [{ path: '{job}/{date}.csv', columns: ['customer_id'] }] });
    writeJob(p.jobs, 'warned-strict', { definition: typo, strict: true, outputs: [{ path: '{job}/{date}.csv', columns: ['customer_id'] }] });
    let r = runCli(['run', 'warned', '--jobs-dir', p.jobs, '--db', p.db, '--as-of', AS_OF, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const warning = { code: 'unknown-mail', path: 'where.not.mails[1]', suggestions: ['M1', 'M2'] };
    expect(history(p.db, '--job', 'warned')).toMatchObject([{ status: 'succeeded', count: 2, warnings: [warning] }]);
    r = runCli(['run', 'warned-strict', '--jobs-dir', p.jobs, '--db', p.db, '--as-of', AS_OF]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('where.not.mails[1]: there is no mail "M3"');
    expect(existsSync(join(p.root, 'data', 'out', 'warned-strict'))).toBe(false);
    expect(history(p.db, '--job', 'warned-strict')).toMatchObject([{ status: 'failed', count: null, warnings: [warning] }]);
    // --strict on the command line does for any job what "strict": true does
    r = runCli(['run', 'warned', '--jobs-dir', p.jobs, '--db', p.db, '--as-of', AS_OF, '--strict']);
    expect(r.code).toBe(2);
    expect(history(p.db, '--job', 'warned').map((run) => run.status)).toEqual(['succeeded', 'failed']);
  });

  it('records a job naming a saved segment that does not exist', () => {
    const r = runCli(['run', 'unknown-saved', '--jobs-dir', p.jobs, '--db', p.db]);
    expect(r.code).toBe(2);
    expect(history(p.db, '--job', 'unknown-saved').at(-1)).toMatchObject({ status: 'failed', error: expect.stringContaining('no-such-segment') });
  });

  it('skips a job that another live process is running, and takes over the lock of a dead one', () => {
    const lockDir = join(p.root, '.kumiwake-jobs', 'shop.duckdb'); // per database
    mkdirSync(lockDir, { recursive: true });
    writeFileSync(join(lockDir, 'emailable.lock'), String(process.pid)); // this test process is alive
    let r = runCli(['run', 'emailable', '--jobs-dir', p.jobs, '--db', p.db]);
    expect(r.code).toBe(1);
    expect(history(p.db, '--job', 'emailable').at(-1)).toMatchObject({ status: 'skipped', error: expect.stringContaining(`already running (process ${process.pid})`) });
    writeFileSync(join(lockDir, 'emailable.lock'), '999999999'); // no such process
    r = runCli(['run', 'emailable', '--jobs-dir', p.jobs, '--db', p.db]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(lockDir)).toEqual([]);
  });

  it('marks a run left "running" by a killed process as interrupted', async () => {
    await execSql(p.db, `INSERT INTO job_runs (job, trigger, started_at, status, pid) VALUES ('ghost', 'schedule', TIMESTAMP '2025-01-01 00:00', 'running', 999999999)`);
    expect(runCli(['run', 'emailable', '--jobs-dir', p.jobs, '--db', p.db]).code).toBe(0);
    expect(history(p.db, '--job', 'ghost')[0]).toMatchObject({ status: 'interrupted', error: expect.stringContaining('stopped before it finished') });
  });

  it('shows the count trend of a segment over its runs', () => {
    for (const asOf of ['2025-03-01', '2025-03-31']) expect(runCli(['run', 'emailable', '--jobs-dir', p.jobs, '--db', p.db, '--as-of', asOf]).code).toBe(0);
    const r = runCli(['history', '--segment', 'emailable', '--db', p.db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/emailable\s+emailable\s+2025-03-31\s+succeeded\s+1 \(\+0\)/);
    // Start times are ISO 8601 with the zone's offset (--tz, Asia/Tokyo by default).
    expect(r.stdout).toMatch(/^\s+\d+\s+\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00\s+emailable/m);
    expect(history(p.db, '--segment', 'emailable').every((x) => x.segment === 'emailable')).toBe(true);
  });
});

/** Runs `kumiwake schedule` until `until(stdout)` holds, then sends SIGTERM. */
async function scheduleUntil(args: string[], until: (stdout: string) => boolean, env: Record<string, string> = {}, timeoutMs = 60_000) {
  const child = spawn(process.execPath, [CLI, 'schedule', ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  while (!until(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  return { code: await exited, stdout, stderr };
}

describe('kumiwake schedule', () => {
  it('runs jobs on their schedule, reports a broken job file without stopping, and stops cleanly on SIGTERM', async () => {
    const p = project();
    writeJob(p.jobs, 'every-second', { definition: reachableByEmail, schedule: '* * * * * *', outputs: [{ path: '{job}.csv' }] });
    writeJob(p.jobs, 'broken', { definition: reachableByEmail, schedule: '61 * * * *' });
    const r = await scheduleUntil(['--jobs-dir', p.jobs, '--db', p.db], (out) => (out.match(/succeeded/g) ?? []).length >= 2);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/scheduling 1 job\(s\)/);
    expect(r.stderr).toMatch(/broken\.json: schedule: "61 \* \* \* \*" is not a cron schedule/);
    const runs = history(p.db, '--job', 'every-second');
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.every((x) => x.trigger === 'schedule' && x.scheduledFor !== null)).toBe(true);
    expect(runs.filter((x) => x.status === 'running')).toEqual([]);
    // Never overlapping: each run starts after the one before it finished.
    runs.slice(1).forEach((run, i) => expect(run.startedAt >= runs[i]!.finishedAt!).toBe(true));
    expect(existsSync(join(p.root, 'data', 'out', 'every-second.csv'))).toBe(true);
  });

  it('catches up the latest run missed while it was down (missed: run-latest), not with missed: skip', async () => {
    const p = project();
    const daily = (missed: string) => ({ definition: reachableByEmail, schedule: '0 0 * * *', timezone: 'Asia/Tokyo', missed, outputs: [{ path: 'daily-{date}.csv' }] });
    writeJob(p.jobs, 'catch-me', daily('run-latest'));
    writeJob(p.jobs, 'let-go', daily('skip'));
    for (const job of ['catch-me', 'let-go']) {
      await execSql(p.db, `INSERT INTO job_runs (job, trigger, scheduled_for, started_at, finished_at, status) VALUES ('${job}', 'schedule', now()::TIMESTAMP - INTERVAL 3 DAY, now()::TIMESTAMP - INTERVAL 3 DAY, now()::TIMESTAMP - INTERVAL 3 DAY, 'succeeded')`);
    }
    const r = await scheduleUntil(['--jobs-dir', p.jobs, '--db', p.db], (out) => out.includes('catch-me'), {});
    expect(r.code).toBe(0);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
    const caught = history(p.db, '--job', 'catch-me').at(-1)!;
    expect(caught).toMatchObject({ trigger: 'catch-up', status: 'succeeded', asOf: today, scheduledFor: `${today}T00:00:00` });
    expect(history(p.db, '--job', 'let-go')).toHaveLength(1);
    // Both write daily-DATE.csv: said when they are scheduled, as one would replace the other's file.
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 40);
    expect(warnings.map((w) => w.msg)).toContainEqual(expect.stringContaining(`jobs "catch-me" and "let-go" write the same file ${join(p.root, 'data', 'out', 'daily-{date}.csv')}`));
  });

  it('on SIGTERM with no grace left abandons the running job: marked interrupted, no partial file', async () => {
    const p = project();
    const rows = ['customer_id,name,address'];
    for (let i = 0; i < 60_000; i++) rows.push(`${i},顧客 ${i},住所 ${i}`);
    writeFileSync(join(p.root, 'many.csv'), `${rows.join('\n')}\n`);
    expect(runCli(['import', 'customers', join(p.root, 'many.csv'), '--db', p.db]).code).toBe(0);
    writeJob(p.jobs, 'slow', { definition: { version: 1 }, schedule: '* * * * * *', outputs: [{ path: 'slow.xlsx' }, { path: 'slow-2.xlsx' }] });
    const out = join(p.root, 'data', 'out');
    const r = await scheduleUntil(['--jobs-dir', p.jobs, '--db', p.db], () => existsSync(out) && readdirSync(out).some((f) => f.includes('.kumiwake-')), { KUMIWAKE_STOP_GRACE: '0' });
    expect(r.code).toBe(0);
    const runs = history(p.db, '--job', 'slow');
    expect(runs.at(-1)).toMatchObject({ status: 'interrupted' });
    expect(readdirSync(out).filter((f) => f.includes('.kumiwake-'))).toEqual([]);
  });
});

describe('job files', () => {
  it('are refused with the file and the JSON path of the fault', () => {
    const p = project();
    const cases: Array<[unknown, RegExp]> = [
      [{ definition: reachableByEmail, outputs: [{ path: '{jobname}.csv' }] }, /outputs\[0\]\.path: unknown placeholder \{jobname\}/],
      [{ definition: reachableByEmail, timezone: 'Mars/Olympus' }, /timezone: "Mars\/Olympus" is not a time zone/],
      [{ definition: reachableByEmail, segment: 'both' }, /\(top level\): give either "segment" .* or "definition"/],
      [{ definition: reachableByEmail, outputs: [{ path: 'x.xlsx', encoding: 'cp932' }] }, /outputs\[0\]\.encoding: an encoding applies to CSV outputs only/],
      [{ definition: reachableByEmail, outputs: [{ path: 'x.csv', format: 'pdf' }] }, /outputs\[0\]\.format: /],
      [{ definition: reachableByEmail, outputs: [{ path: '../../x.csv' }] }, /outputs\[0\]\.path: "\.\.\/\.\.\/x\.csv" must stay inside the output folder/],
      [{ definition: reachableByEmail, outputs: [{ path: '/tmp/x.csv' }] }, /outputs\[0\]\.path: "\/tmp\/x\.csv" must stay inside the output folder/],
    ];
    cases.forEach(([job, message], i) => {
      writeJob(p.jobs, `case-${i}`, job);
      const r = runCli(['run', `case-${i}`, '--jobs-dir', p.jobs, '--db', p.db]);
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).toMatch(new RegExp(`case-${i}\\.json: ${message.source}`));
    });
  });

  it('keep placeholders inside one path component: a segment name cannot climb out of the folder', () => {
    const p = project();
    writeJob(p.jobs, 'escape', { definition: { version: 1, name: '../../etc/evil', where: { kind: 'reachable', channel: 'email' } }, outputs: [{ path: '{segment}.csv' }] });
    const r = runCli(['run', 'escape', '--jobs-dir', p.jobs, '--db', p.db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [file] = JSON.parse(r.stdout).files as string[];
    expect(dirname(file!)).toBe(join(p.root, 'data', 'out'));
    expect(basename(file!)).toBe('__.._etc_evil.csv');
  });

  it('refuse to write through a symbolic link that leads outside the output folder', () => {
    const p = project();
    const outside = tempDir();
    mkdirSync(join(p.root, 'data', 'out'), { recursive: true });
    symlinkSync(outside, join(p.root, 'data', 'out', 'shared'));
    writeJob(p.jobs, 'via-link', { definition: reachableByEmail, outputs: [{ path: 'shared/{date}.csv' }] });
    const r = runCli(['run', 'via-link', '--jobs-dir', p.jobs, '--db', p.db, '--as-of', AS_OF]);
    expect(r.code).toBe(2);
    expect(history(p.db, '--job', 'via-link').at(-1)).toMatchObject({ status: 'failed', error: expect.stringMatching(/outputs\[0\]\.path: .* leads outside the output folder/) });
    expect(readdirSync(outside)).toEqual([]);
    // --out-dir (or KUMIWAKE_OUTPUT_DIR) moves the output folder.
    const elsewhere = tempDir();
    writeJob(p.jobs, 'plain', { definition: reachableByEmail, outputs: [{ path: '{date}.csv' }] });
    expect(runCli(['run', 'plain', '--jobs-dir', p.jobs, '--db', p.db, '--as-of', AS_OF, '--out-dir', elsewhere]).code).toBe(0);
    expect(readdirSync(elsewhere)).toEqual([`${AS_OF}.csv`]);
  });

  it('name the file standing where the output folder should be (it was a raw ENOTDIR)', () => {
    const p = project();
    const file = join(p.root, 'plain-file');
    writeFileSync(file, 'x');
    writeJob(p.jobs, 'under-file', { definition: reachableByEmail, outputs: [{ path: '{date}.csv' }] });
    const r = runCli(['run', 'under-file', '--jobs-dir', p.jobs, '--db', p.db, '--as-of', AS_OF, '--out-dir', join(file, 'deeper')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`outputs[0].path: ${join(file, 'deeper')} cannot be made: ${file} is a file, not a folder`);
    expect(r.stderr).not.toMatch(/ENOTDIR/);
    expect(readFileSync(file, 'utf8')).toBe('x');
    const device = runCli(['run', 'under-file', '--jobs-dir', p.jobs, '--db', p.db, '--as-of', AS_OF, '--out-dir', '/dev/null/deeper']);
    expect(device.stderr).toContain('outputs[0].path: /dev/null/deeper cannot be made: /dev/null is not a folder');
  });
});


/** The pid of a process that has ended. */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
/** Whether a process runs (a zombie waiting for its parent to reap it does not). */
const isRunning = (pid: number) => {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};
const until = async (check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return check();
};
/** A process's output so far, and its exit code once it has ended. */
function watch(child: ChildProcess) {
  const seen = { stdout: '', stderr: '', code: undefined as number | null | undefined };
  child.stdout?.on('data', (d) => (seen.stdout += d));
  child.stderr?.on('data', (d) => (seen.stderr += d));
  child.on('exit', (code) => (seen.code = code));
  return seen;
}
/** A database of 60,000 customers, so that a job writing two Excel files runs for a few seconds. */
function bigProject() {
  const p = project();
  const rows = ['customer_id,name,address'];
  for (let i = 0; i < 60_000; i++) rows.push(`${i},顧客 ${i},住所 ${i}`);
  writeFileSync(join(p.root, 'many.csv'), `${rows.join('\n')}\n`);
  const small = join(p.root, 'small.duckdb');
  copyFileSync(p.db, small); // the same shop, small, in the same folder
  expect(runCli(['import', 'customers', join(p.root, 'many.csv'), '--db', p.db]).code).toBe(0);
  writeJob(p.jobs, 'slow', { definition: { version: 1 }, outputs: [{ path: 'slow.xlsx' }, { path: 'slow-2.xlsx' }] });
  return { ...p, small };
}

describe('runs killed with SIGKILL, and jobs on two databases of one folder', () => {
  it('a job running on one database does not block the same job on another; a killed run reads and is recorded as interrupted', async () => {
    const p = bigProject();
    const out = join(p.root, 'data', 'out');
    const child = spawn(process.execPath, [CLI, 'run', 'slow', '--jobs-dir', p.jobs, '--db', p.db]);
    const seen = watch(child);
    expect(await until(() => existsSync(out) && readdirSync(out).some((f) => f.includes('.kumiwake-')), 60_000), seen.stderr).toBe(true);
    // The same job on the other database of the folder runs (the job lock is per database).
    const other = runCli(['run', 'slow', '--jobs-dir', p.jobs, '--db', p.small, '--out-dir', join(p.root, 'small-out'), '--json']);
    expect(other.code, other.stderr).toBe(0);
    expect(JSON.parse(other.stdout)).toMatchObject({ status: 'succeeded', count: 4 });
    expect(seen.code).toBeUndefined(); // the first run was still going
    child.kill('SIGKILL');
    await until(() => seen.code !== undefined, 10_000);
    expect(await query(p.db, `SELECT status FROM job_runs WHERE job = 'slow'`)).toEqual([{ status: 'running' }]);
    // A reader shows it as it is (the process is gone) ...
    expect(history(p.db, '--job', 'slow')).toMatchObject([{ status: 'interrupted', error: 'the process running it stopped before it finished' }]);
    // ... and the next command that writes, whatever it is, records it.
    writeFileSync(join(p.root, 'all.json'), JSON.stringify({ version: 1 }));
    expect(runCli(['segments', 'save', 'everyone', join(p.root, 'all.json'), '--db', p.db]).code).toBe(0);
    expect(await query(p.db, `SELECT status, error FROM job_runs WHERE job = 'slow'`)).toEqual([{ status: 'interrupted', error: 'the process running it stopped before it finished' }]);
  });
});

describe('the scheduler after a kill', () => {
  it('makes up an occurrence whose run was killed (missed: run-latest)', async () => {
    const p = project();
    writeJob(p.jobs, 'killed-daily', { definition: reachableByEmail, schedule: '0 0 * * *', timezone: 'Asia/Tokyo', missed: 'run-latest', outputs: [] });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
    await execSql(p.db, `INSERT INTO job_runs (job, trigger, scheduled_for, started_at, status, pid) VALUES ('killed-daily', 'schedule', TIMESTAMP '${today} 00:00', now()::TIMESTAMP, 'running', ${deadPid()})`);
    // Generous: on a loaded 2-core CI machine (ClickHouse tests beside it) the catch-up has taken over 30 s.
    const r = await scheduleUntil(['--jobs-dir', p.jobs, '--db', p.db], (out) => out.includes('job killed-daily ('), {}, 90_000);
    expect(r.code).toBe(0);
    expect(r.stdout, r.stderr).toContain('job killed-daily (');
    expect(history(p.db, '--job', 'killed-daily')).toMatchObject([
      { trigger: 'schedule', status: 'interrupted', scheduledFor: `${today}T00:00:00` },
      { trigger: 'catch-up', status: 'succeeded', scheduledFor: `${today}T00:00:00`, asOf: today },
    ]);
  });

  it('refuses a second scheduler on the same database, and takes over from one that was killed', async () => {
    const p = project();
    writeJob(p.jobs, 'hourly', { definition: reachableByEmail, schedule: '0 * * * *', outputs: [] });
    const args = [CLI, 'schedule', '--jobs-dir', p.jobs, '--db', p.db];
    const first = spawn(process.execPath, args);
    const firstSeen = watch(first);
    expect(await until(() => firstSeen.stdout.includes('scheduling'), 30_000), firstSeen.stderr).toBe(true);
    const second = spawn(process.execPath, args);
    const secondSeen = watch(second);
    await until(() => secondSeen.code !== undefined, 20_000);
    second.kill('SIGKILL'); // still running without the lock: the test fails below
    expect(secondSeen.code).toBe(1);
    expect(secondSeen.stderr).toContain(`a scheduler is already running on ${p.db} (process ${first.pid})`);
    first.kill('SIGKILL');
    await until(() => firstSeen.code !== undefined, 10_000);
    const third = await scheduleUntil(['--jobs-dir', p.jobs, '--db', p.db], (out) => out.includes('scheduling'), {}, 30_000);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain('scheduling 1 job(s)');
  });

  it('stops when the process that started it goes away (npx ended by SIGTERM)', async () => {
    const p = project();
    writeJob(p.jobs, 'hourly', { definition: reachableByEmail, schedule: '0 * * * *', outputs: [] });
    // A parent like npx: it starts the scheduler and is killed without passing the signal on.
    const script = `const c = require('node:child_process').spawn(process.execPath, ${JSON.stringify([CLI, 'schedule', '--jobs-dir', p.jobs, '--db', p.db])}, { stdio: ['ignore', 'inherit', 'inherit'] });
      console.log('scheduler ' + c.pid);`;
    const parent = spawn(process.execPath, ['-e', script]);
    const seen = watch(parent);
    expect(await until(() => seen.stdout.includes('scheduling'), 30_000), seen.stderr).toBe(true);
    const pid = Number(/scheduler (\d+)/.exec(seen.stdout)![1]);
    parent.kill('SIGKILL');
    const stopped = await until(() => !isRunning(pid), 15_000);
    if (!stopped) process.kill(pid, 'SIGKILL');
    expect(stopped).toBe(true);
  });
});

describe('kumiwake demo (npm start) on a database holding the user\'s own data', () => {
  it('only says so: no sample loaded, no segment saved, no job run', async () => {
    const dir = tempDir();
    const db = join(dir, 'mine.duckdb');
    expect(runCli(['import', 'customers', writeCsv(join(dir, 'c.csv'), 'customer_id,name\nX1,Mine\n'), '--db', db]).code).toBe(0);
    const bytes = readFileSync(db);
    const r = runCli(['demo', '--db', db, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(db).equals(bytes)).toBe(true); // not even opened to write
    expect(JSON.parse(r.stdout)).toMatchObject({ loaded: false, jobs: [], segments: [], tables: { customers: 1, purchases: 0 } });
    expect(await query(db, 'SELECT (SELECT count(*) FROM segments)::INT AS segments, (SELECT count(*) FROM job_runs)::INT AS runs, (SELECT count(*) FROM customers)::INT AS customers'))
      .toEqual([{ segments: 0, runs: 0, customers: 1 }]);
    const text = runCli(['demo', '--db', db]);
    expect(text.stdout).toMatch(/holds your own data: the sample was not loaded, no sample segment was saved and no sample job was run/);
  });
});
