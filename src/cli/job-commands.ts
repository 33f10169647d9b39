import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { isoInZone, KumiwakeError, suggest, wallClock, type RunOutcome, type RunRecord, type Workspace } from '../index.js';
import { config, withWorkspace } from './context.js';
import { emit, type GlobalArgs } from './output.js';
import { abortOnSignals } from './signals.js';

const jobsDirOption = { type: 'string', default: config.jobsDir, describe: 'folder of job files (env KUMIWAKE_JOBS)' } as const;
const outDirOption = { type: 'string', describe: 'folder job outputs stay inside (env KUMIWAKE_OUTPUT_DIR; default data/out beside the jobs folder)' } as const;
const outputRoot = (argv: { 'out-dir'?: string }) => (argv['out-dir'] ? resolve(argv['out-dir']) : config.outputDir);

function describeOutcome(o: RunOutcome): string {
  const counted = o.counted ? `${o.counted.count.toLocaleString('en')} customers as of ${o.asOf} (email ${o.counted.reachable.email}, LINE ${o.counted.reachable.line}, DM ${o.counted.reachable.dm})` : '';
  const files = o.files.map((f) => `\n  wrote ${f}`).join('');
  const error = o.error ? `: ${o.error instanceof Error ? o.error.message : String(o.error)}` : '';
  const moved = o.entered === undefined ? '' : `; ${o.entered.toLocaleString('en')} entered, ${o.left!.toLocaleString('en')} left since run ${o.comparedWith}`;
  return `job ${o.job} (run ${o.runId ?? '-'}) ${o.status}${counted ? `: ${counted}${moved}` : ''}${error}${files}`;
}

/** Exit status of a run: 2 when the job or its segment is bad input, 1 for other failures. */
function exitStatusOf(outcomes: readonly RunOutcome[]): number {
  const failed = outcomes.filter((o) => o.status !== 'succeeded');
  if (failed.length === 0) return 0;
  return failed.every((o) => o.error instanceof KumiwakeError && o.error.exitCode === 2) ? 2 : 1;
}

function runRecordLine(r: RunRecord, previous: RunRecord | undefined, tz: string): string {
  const started = isoInZone(new Date(r.startedAt), tz);
  const delta = r.count !== null && previous?.count != null ? r.count - previous.count : undefined;
  const change = delta === undefined ? '' : ` (${delta >= 0 ? '+' : ''}${delta.toLocaleString('en')})`;
  const count = r.count === null ? '' : `${r.count.toLocaleString('en')}${change}`;
  const moved = r.entered === null || r.left === null ? '' : `+${r.entered.toLocaleString('en')} -${r.left.toLocaleString('en')}`;
  return `${String(r.runId).padStart(5)}  ${started}  ${r.job.padEnd(24)} ${(r.segment ?? '').padEnd(26)} ${(r.asOf ?? '').padEnd(10)}  ${r.status.padEnd(11)} ${count.padStart(18)} ${moved.padStart(17)}${r.error ? `  ${r.error.split('\n')[0]}` : ''}`;
}

/**
 * Calls `stop` once when the process that started this one goes away: `npx kumiwake schedule`
 * stopped with SIGTERM ends npx but not always its node child, which would go on running jobs
 * with no one to stop it. An orphan is adopted by another process (init or a subreaper), so its
 * parent pid changes. (A scheduler started by init itself, pid 0 or 1 as parent, is not watched.)
 */
function watchParent(stop: () => void): NodeJS.Timeout | undefined {
  const parent = process.ppid;
  if (parent <= 1) return undefined;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    stop();
  }, 500);
  timer.unref();
  return timer;
}

export function jobCommands(yargs: Argv<GlobalArgs>): Argv<GlobalArgs> {
  return yargs
    .command('run <jobs..>', 'run jobs now (names in the jobs folder, or job files); each is recorded in the history',
      (y) => y
        .positional('jobs', { type: 'string', array: true, demandOption: true })
        .option('jobs-dir', jobsDirOption)
        .option('out-dir', outDirOption)
        .option('as-of', { type: 'string', describe: 'evaluate at this date, YYYY-MM-DD (default: today in the job\'s time zone)' })
        .option('strict', { type: 'boolean', default: false, describe: 'a segment naming what the data does not hold fails the run (as a job\'s "strict": true)' }),
      async (argv) => {
        const { signal, dispose } = abortOnSignals();
        try {
          // A job run waits longer for a busy database than a command: an import may be running.
          await withWorkspace(argv, { signal, lockTimeoutMs: config.jobLockTimeoutMs }, async (workspace) => {
            const outcomes: RunOutcome[] = [];
            const folder = workspace.jobs({ jobsDir: argv['jobs-dir'], outputRoot: outputRoot(argv) });
            for (const shared of await folder.sharedOutputs(argv.jobs as string[], { together: true })) process.stderr.write(`kumiwake: warning: ${shared.message}\n`);
            for (const job of argv.jobs as string[]) {
              if (signal.aborted) break;
              outcomes.push(await workspace.runJob(job, { jobsDir: argv['jobs-dir'], asOf: argv['as-of'], strict: argv.strict, outputRoot: outputRoot(argv) }));
            }
            const records = outcomes.map((o) => ({ job: o.job, runId: o.runId, status: o.status, asOf: o.asOf, count: o.counted?.count, reachable: o.counted?.reachable,
              comparedWith: o.comparedWith, entered: o.entered, left: o.left, files: o.files, error: o.error === undefined ? undefined : o.error instanceof Error ? o.error.message : String(o.error) }));
            emit(argv, records.length === 1 ? records[0] : records, () => outcomes.map(describeOutcome).join('\n'));
            if (process.exitCode !== 130 && process.exitCode !== 143) process.exitCode = exitStatusOf(outcomes);
          });
        } finally {
          dispose();
        }
      })
    .command('schedule', 'run the jobs on their cron schedules until stopped (SIGTERM or Ctrl-C)',
      (y) => y.option('jobs-dir', jobsDirOption).option('out-dir', outDirOption),
      async (argv) =>
        withWorkspace(argv, { lockTimeoutMs: config.jobLockTimeoutMs }, async (workspace) => {
          const schedule = workspace.schedule({
            jobsDir: argv['jobs-dir'], outputRoot: outputRoot(argv), graceMs: config.stopGraceMs,
            onJobFileError: (_file, message) => process.stderr.write(`kumiwake: ${message} (not scheduled)\n`),
            onStarted: (jobs) => emit(argv, { scheduled: jobs.map((j) => ({ job: j.job.name, schedule: j.job.schedule, timezone: j.job.timezone, next: j.next?.toISOString() ?? null })) }, () =>
              [`scheduling ${jobs.length} job(s) from ${resolve(argv['jobs-dir'])}; stop with Ctrl-C or SIGTERM`,
                ...jobs.map((j) => `  ${j.job.name.padEnd(28)} ${(j.job.schedule ?? '').padEnd(16)} ${j.job.timezone.padEnd(12)} next ${j.next ? wallClock(j.next, j.job.timezone) : '-'}`)].join('\n')),
            onRun: (outcome) => emit(argv, {
              job: outcome.job, runId: outcome.runId, status: outcome.status, asOf: outcome.asOf, count: outcome.counted?.count,
              comparedWith: outcome.comparedWith, entered: outcome.entered, left: outcome.left, files: outcome.files,
            }, () => describeOutcome(outcome)),
          });
          const onSignal = (name: NodeJS.Signals) => schedule.stop(name);
          process.on('SIGTERM', onSignal);
          process.on('SIGINT', onSignal);
          const orphaned = watchParent(() => schedule.stop('the parent process exited'));
          try {
            await schedule.done;
          } finally {
            clearInterval(orphaned);
            process.off('SIGTERM', onSignal);
            process.off('SIGINT', onSignal);
          }
        }))
    .command('history', 'past job runs with their counts: how a segment\'s size moves',
      (y) => y
        .option('segment', { type: 'string', describe: 'only runs of this segment' })
        .option('job', { type: 'string', describe: 'only runs of this job' })
        .option('limit', { type: 'number', default: 50, describe: 'the latest N runs' }),
      async (argv) =>
        withWorkspace(argv, { readOnly: true }, async (workspace) => {
          if (!Number.isInteger(argv.limit) || argv.limit < 1) throw new KumiwakeError('bad-argument', '--limit must be a whole number of 1 or more (the latest N runs)');
          const runs = await workspace.history({ segment: argv.segment, job: argv.job, limit: argv.limit });
          const none = runs.length === 0 ? await noRunsText(workspace, argv) : '';
          emit(argv, runs, () => runs.length === 0 ? none : [
            `  run  started (${argv.tz})`.padEnd(33) + `  job                      segment                    as of       status                 count      entered/left`,
            ...runs.map((r, i) => runRecordLine(r, runs.slice(0, i).reverse().find((p) => p.segment === r.segment && p.count !== null), argv.tz)),
          ].join('\n'));
        }));
}

/**
 * Why `history` lists nothing: no run at all, or none of the job / segment named, which may be a
 * typo of one that has runs (named, with the nearest).
 */
async function noRunsText(workspace: Workspace, filter: { job?: string; segment?: string }): Promise<string> {
  const recorded = await workspace.recordedNames();
  if (recorded.jobs.length === 0) return 'no runs recorded yet';
  const parts: string[] = [];
  for (const [what, name, names] of [['job', filter.job, recorded.jobs], ['segment', filter.segment, recorded.segments]] as const) {
    if (name === undefined || names.includes(name)) continue;
    const near = suggest(name, names);
    parts.push(`no run of ${what} "${name}" is recorded${near.length > 0 ? ` (did you mean ${near.map((n) => `"${n}"`).join(', ')}?)` : ''}; ${what}s with runs: ${names.join(', ')}`);
  }
  return parts.length > 0 ? parts.join('\n') : `no run of job "${filter.job}" for segment "${filter.segment}" is recorded`;
}
