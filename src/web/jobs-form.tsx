import { useState } from 'preact/hooks';
import { api, ApiError, type Fault, type SavedSegment } from './api.js';
import { useT } from './i18n.js';
import type { JobEntry, JobFile, JobOutput } from './jobs-api.js';
import { CronEditor } from './jobs-cron.js';

interface Props {
  /** the job being edited (undefined: a new one) */
  readonly entry: JobEntry | undefined;
  /** the saved segment a new job starts from */
  readonly segment: string | undefined;
  readonly segments: readonly SavedSegment[];
  readonly onSaved: (name: string | undefined) => void;
}

const NEW_OUTPUT: JobOutput = { path: '{job}-{date}.csv', format: 'csv', rows: 'members', encoding: 'utf-8-bom', headers: 'ja' };

const newJob = (segment: string | undefined): JobFile => ({ segment, schedule: '0 9 * * 1', timezone: 'Asia/Tokyo', enabled: true, outputs: [{ ...NEW_OUTPUT }] });

/** The faults the server gave for one path of the job (`outputs[0].format`), beside that field. */
function FieldFaults({ faults, path }: { faults: readonly Fault[]; path: string }) {
  const here = faults.filter((f) => f.path === path);
  return here.length === 0 ? null : <ul class="faults" data-fault-path={path}>{here.map((f) => <li key={f.message} class="fault">{f.message}</li>)}</ul>;
}

/** A value typed in a number box: a number when it reads as one, else the text (the server's parser says what is wrong). */
const typed = (text: string): unknown => (text.trim() === '' ? undefined : Number.isFinite(Number(text)) ? Number(text) : text);

/**
 * A job file as the page edits it: the server reads a job's `query` into its `definition` too, so
 * a job written as a query is kept as the query alone (saving both is refused: exactly one of
 * segment, definition, query).
 */
function asWritten(job: JobFile): JobFile {
  if (typeof job.query !== 'string') return job;
  const { definition: _definition, ...written } = job;
  return written;
}

/**
 * A job file as a form: segment, 実行頻度 (plain words or cron, with the next five runs), time zone,
 * outputs (file, format, rows members/entered/left, encoding, headers, columns) and how many runs'
 * members are kept. The page checks nothing itself: the server reads the job as `kumiwake run`
 * does and each fault shows beside the field of its JSON path.
 */
export function JobForm({ entry, segment, segments, onSaved }: Props) {
  const t = useT();
  const [name, setName] = useState(entry?.name ?? (segment ? `${segment}-weekly` : ''));
  const [job, setJob] = useState<JobFile>(() => (entry?.job ? asWritten(structuredClone(entry.job)) : newJob(segment)));
  const [faults, setFaults] = useState<readonly Fault[]>([]);
  const [note, setNote] = useState<{ text: string; fault: boolean } | undefined>(undefined);
  const edit = (change: Partial<JobFile>) => setJob((j) => ({ ...j, ...change }));
  const outputs = job.outputs ?? [];
  const editOutput = (i: number, change: Partial<JobOutput> | undefined) =>
    edit({ outputs: change === undefined ? outputs.filter((_, k) => k !== i) : outputs.map((o, k) => (k === i ? { ...o, ...change } : o)) });
  const save = async () => {
    try {
      const clean = { ...job, outputs: outputs.map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''))) };
      await api('/api/jobs', { body: { name, job: clean, force: entry !== undefined && entry.name === name } });
      setFaults([]);
      setNote({ text: t('job_saved'), fault: false });
      onSaved(name);
    } catch (error) {
      const list = error instanceof ApiError ? error.faults : [];
      setFaults(list);
      setNote({ text: list.length > 0 ? list.map((f) => `${f.path}: ${f.message}`).join('; ') : (error as Error).message, fault: true });
    }
  };
  return (
    <section class="job-form" data-testid="job-form">
      <h3>{entry ? `${t('job_edit')}: ${entry.name}` : t('job_new')}</h3>
      <div class="row"><span class="label">{t('job_name')}</span>
        <span><input type="text" aria-label={t('job_name')} data-path="name" value={name} disabled={entry !== undefined} onInput={(e) => setName(e.currentTarget.value)} /><FieldFaults faults={faults} path="name" /></span>
      </div>
      <div class="row"><span class="label">{t('job_segment')}</span>
        <span>
          <select aria-label={t('job_segment')} data-path="segment" value={job.segment ?? ''} onChange={(e) => edit(e.currentTarget.value ? { segment: e.currentTarget.value, query: undefined, definition: undefined } : { segment: undefined })}>
            <option value="">—</option>
            {segments.map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
          </select>
          <FieldFaults faults={faults} path="segment" />
        </span>
      </div>
      {typeof job.query === 'string' && (
        <div class="row"><span class="label">{t('text')}</span>
          <span>
            <textarea class="json query" rows={3} aria-label={t('text')} data-path="query" value={job.query} onInput={(e) => edit({ query: e.currentTarget.value })} />
            <p class="hint">{t('jobQueryKept')}</p>
            <FieldFaults faults={faults} path="query" />
          </span>
        </div>
      )}
      <div class="row"><span class="label">{t('job_frequency')}</span>
        <span><CronEditor schedule={job.schedule ?? ''} timezone={job.timezone ?? 'Asia/Tokyo'} onChange={(schedule) => edit({ schedule })} /><FieldFaults faults={faults} path="schedule" /></span>
      </div>
      <div class="row"><span class="label">{t('job_timezone')}</span>
        <span><input type="text" aria-label={t('job_timezone')} data-path="timezone" value={job.timezone ?? ''} onInput={(e) => edit({ timezone: e.currentTarget.value })} /><FieldFaults faults={faults} path="timezone" /></span>
      </div>
      <div class="row"><span class="label">{t('job_keepMembers')}</span>
        <span>
          <input type="text" inputMode="numeric" aria-label={t('job_keepMembers')} data-path="keepMembers" value={job.keepMembers === undefined ? '' : String(job.keepMembers)}
            onInput={(e) => edit({ keepMembers: typed(e.currentTarget.value) as number | undefined })} />
          <label class="check"><input type="checkbox" checked={job.enabled !== false} onChange={(e) => edit({ enabled: e.currentTarget.checked })} /> {t('job_enabled')}</label>
          <FieldFaults faults={faults} path="keepMembers" />
        </span>
      </div>
      <h4>{t('job_outputs')}</h4>
      {outputs.map((o, i) => (
        <div class="job-output" key={i} data-path={`outputs[${i}]`}>
          <input type="text" aria-label={t('job_outputPath')} data-path={`outputs[${i}].path`} value={o.path} onInput={(e) => editOutput(i, { path: e.currentTarget.value })} />
          <select aria-label={t('fileFormat')} data-path={`outputs[${i}].format`} value={o.format ?? 'csv'} onChange={(e) => editOutput(i, { format: e.currentTarget.value, ...(e.currentTarget.value === 'csv' ? {} : { encoding: undefined }) })}>
            {['csv', 'xlsx', 'parquet', 'arrow'].map((f) => <option key={f} value={f}>{f}</option>)}
          </select>
          <select aria-label={t('job_rows')} data-path={`outputs[${i}].rows`} value={o.rows ?? 'members'} onChange={(e) => editOutput(i, { rows: e.currentTarget.value })}>
            <option value="members">{t('job_rowsMembers')}</option>
            <option value="entered">{t('job_rowsEntered')}</option>
            <option value="left">{t('job_rowsLeft')}</option>
          </select>
          {(o.format ?? 'csv') === 'csv' && (
            <select aria-label={t('encoding')} data-path={`outputs[${i}].encoding`} value={o.encoding ?? 'utf-8-bom'} onChange={(e) => editOutput(i, { encoding: e.currentTarget.value })}>
              <option value="utf-8-bom">UTF-8 (BOM)</option><option value="cp932">Shift_JIS (CP932)</option><option value="utf-8">UTF-8</option>
            </select>
          )}
          <select aria-label={t('job_headers')} data-path={`outputs[${i}].headers`} value={o.headers ?? 'canonical'} onChange={(e) => editOutput(i, { headers: e.currentTarget.value })}>
            <option value="ja">{t('japaneseHeaders')}</option><option value="canonical">customer_id, …</option>
          </select>
          <input type="text" aria-label={t('job_columns')} placeholder={t('job_columns')} data-path={`outputs[${i}].columns`} value={(o.columns ?? []).join(', ')}
            onInput={(e) => { const names = e.currentTarget.value.split(',').map((c) => c.trim()).filter((c) => c !== ''); editOutput(i, { columns: names.length > 0 ? names : undefined }); }} />
          <button type="button" onClick={() => editOutput(i, undefined)}>{t('remove')}</button>
          {['path', 'format', 'rows', 'encoding', 'headers', 'columns', ''].map((key) => <FieldFaults key={key} faults={faults} path={key === '' ? `outputs[${i}]` : `outputs[${i}].${key}`} />)}
        </div>
      ))}
      <button type="button" class="add-row" onClick={() => edit({ outputs: [...outputs, { ...NEW_OUTPUT }] })}>{t('job_addOutput')}</button>
      <FieldFaults faults={faults} path="(top level)" />
      <div class="segment-actions">
        <button type="button" data-testid="save-job" disabled={name === ''} onClick={save}>{t('job_save')}</button>
      </div>
      {note && <p class={note.fault ? 'fault' : 'note'} role="status" data-testid="job-note">{note.text}</p>}
    </section>
  );
}
