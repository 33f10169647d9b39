import { useEffect, useState } from 'preact/hooks';
import { api, type SavedSegment } from './api.js';
import { useT } from './i18n.js';
import type { JobEntry, RunOutcome, SchedulerState } from './jobs-api.js';
import { JobForm } from './jobs-form.js';
import { JobHistory } from './jobs-history.js';

interface Props {
  readonly segments: readonly SavedSegment[];
  /** the saved segment open in the builder: a new job starts from it */
  readonly current: string | undefined;
}

/**
 * ジョブ: the job files of the server's jobs folder (what `kumiwake schedule` runs), a form to
 * schedule a saved segment as a job or edit one, run now with its outcome, and its run history.
 */
export function JobsScreen({ segments, current }: Props) {
  const t = useT();
  const [jobs, setJobs] = useState<readonly JobEntry[]>([]);
  const [folder, setFolder] = useState('');
  const [scheduler, setScheduler] = useState<SchedulerState | undefined>(undefined);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [creating, setCreating] = useState(current !== undefined);
  const [outcome, setOutcome] = useState<{ text: string; fault: boolean; busy?: boolean } | undefined>(undefined);
  const [version, setVersion] = useState(0);
  const load = () => api<{ folder: string; jobs: JobEntry[]; scheduler: SchedulerState }>('/api/jobs').then((r) => { setJobs(r.jobs); setFolder(r.folder); setScheduler(r.scheduler); });
  useEffect(() => { void load(); }, []);
  const entry = jobs.find((j) => j.name === selected);

  const runNow = async (name: string) => {
    setOutcome({ text: t('job_running'), fault: false, busy: true });
    try {
      const run = await api<RunOutcome>(`/api/jobs/${encodeURIComponent(name)}/run`, { body: {} });
      const ok = run.status === 'succeeded';
      const changes = run.entered === undefined ? '' : ` (${t('job_entered')} ${run.entered} / ${t('job_left')} ${run.left})`;
      setOutcome({ text: ok ? `#${run.runId} ${t('job_ran')}: ${run.counted?.count.toLocaleString('ja-JP')} ${t('people')}${changes}` : `#${run.runId} ${run.status}: ${run.error ?? ''}`, fault: !ok });
    } catch (error) {
      setOutcome({ text: (error as Error).message, fault: true });
    }
    setVersion((v) => v + 1);
  };
  const remove = async (name: string) => {
    try {
      await api(`/api/jobs/${encodeURIComponent(name)}`, { method: 'DELETE' });
      setSelected(undefined);
      setOutcome({ text: t('job_deleted'), fault: false });
      await load();
    } catch (error) {
      setOutcome({ text: (error as Error).message, fault: true });
    }
  };

  return (
    <main class="layout jobs-screen">
      <aside class="segments-panel">
        <h2>{t('job_list')}</h2>
        <p class="hint" title={folder}>{folder}</p>
        {scheduler && (
          <p class={scheduler.error ? 'fault' : 'hint'} data-testid="scheduler-state">
            {!scheduler.enabled ? t('job_notScheduling') : scheduler.error ? scheduler.error : `${t('job_scheduling')}: ${scheduler.jobs.length}`}
          </p>
        )}
        <ul class="segment-list">
          {jobs.length === 0 && <li class="empty">{t('job_none')}</li>}
          {jobs.map((j) => (
            <li key={j.name} class={j.name === selected ? 'current' : ''}>
              <button type="button" class="link" data-job={j.name} onClick={() => { setSelected(j.name); setCreating(false); setOutcome(undefined); }}>{j.name}</button>
              {j.fault && <span class="fault" title={j.fault}> ⚠</span>}
              {!j.fault && j.sharedOutputs && <span class="warning" title={j.sharedOutputs.join('\n')}> ⚠</span>}
            </li>
          ))}
        </ul>
        <button type="button" data-testid="new-job" onClick={() => { setSelected(undefined); setCreating(true); setOutcome(undefined); }}>
          {current ? `${t('job_scheduleSegment')}: ${current}` : t('job_new')}
        </button>
      </aside>
      <div class="builder">
        {creating && !entry && (
          <JobForm key={`new-${current ?? ''}`} entry={undefined} segment={current} segments={segments}
            onSaved={(name) => { void load().then(() => { setSelected(name); setCreating(false); }); }} />
        )}
        {entry && (
          <>
            {entry.fault && <p class="fault" data-testid="job-fault">{entry.fault}</p>}
            {entry.sharedOutputs?.map((w) => <p key={w} class="warning" data-testid="job-shared-output">{w}</p>)}
            {entry.next.length > 0 && <p class="hint">{t('job_nextRuns')}: {entry.next.join(', ')}</p>}
            <div class="segment-actions">
              <button type="button" data-testid="run-now" disabled={outcome?.busy} onClick={() => runNow(entry.name)}>{t('job_runNow')}</button>
              <button type="button" class="danger" onClick={() => remove(entry.name)}>{t('job_delete')}</button>
            </div>
            {outcome && <p class={outcome.fault ? 'fault' : 'note'} role="status" data-testid="run-outcome">{outcome.text}</p>}
            <JobForm key={`edit-${entry.name}-${version}`} entry={entry} segment={entry.job?.segment} segments={segments} onSaved={() => void load()} />
            <JobHistory job={entry.name} version={version} />
          </>
        )}
        {!creating && !entry && outcome && <p class={outcome.fault ? 'fault' : 'note'} role="status">{outcome.text}</p>}
      </div>
    </main>
  );
}
