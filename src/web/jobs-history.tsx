import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api.js';
import { download } from './download.js';
import { useT } from './i18n.js';
import type { DiffAnswer, RunRecord } from './jobs-api.js';

const n = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value.toLocaleString('ja-JP'));

/**
 * The counts of succeeded runs as a line, with who entered (up) and left (down) as bars under it:
 * SVG attributes only (the page's Content-Security-Policy allows no inline style).
 */
function TrendChart({ runs }: { runs: readonly RunRecord[] }) {
  const done = runs.filter((r) => r.status === 'succeeded' && r.count !== null);
  if (done.length === 0) return null;
  const width = 600;
  const height = 160;
  const top = Math.max(1, ...done.map((r) => r.count ?? 0));
  const change = Math.max(1, ...done.map((r) => Math.max(r.entered ?? 0, r.left ?? 0)));
  const x = (i: number) => (done.length === 1 ? width / 2 : 30 + (i * (width - 60)) / (done.length - 1));
  const y = (count: number) => 10 + (1 - count / top) * 90;
  return (
    <svg class="trend" viewBox={`0 0 ${width} ${height}`} role="img" aria-label="trend" data-testid="trend-chart">
      <line x1="0" y1="130" x2={width} y2="130" class="trend-axis" />
      {done.map((r, i) => (
        <g key={r.runId}>
          {r.entered !== null && <rect x={x(i) - 6} y={130 - (25 * r.entered) / change} width="5" height={(25 * r.entered) / change} class="trend-entered"><title>+{r.entered}</title></rect>}
          {r.left !== null && <rect x={x(i) + 1} y="130" width="5" height={(25 * r.left) / change} class="trend-left"><title>-{r.left}</title></rect>}
        </g>
      ))}
      <polyline points={done.map((r, i) => `${x(i)},${y(r.count ?? 0)}`).join(' ')} class="trend-line" />
      {done.map((r, i) => (
        <circle key={r.runId} cx={x(i)} cy={y(r.count ?? 0)} r="3" class="trend-point" data-count={r.count ?? 0}><title>#{r.runId} {r.asOf}: {r.count}</title></circle>
      ))}
    </svg>
  );
}

/** Who entered and left between a run and the one it was compared with, first rows listed, both downloadable. */
function Changes({ run }: { run: RunRecord }) {
  const t = useT();
  const [diff, setDiff] = useState<DiffAnswer | undefined>(undefined);
  const [note, setNote] = useState<{ text: string; fault?: boolean } | undefined>(undefined);
  const body = { segment: run.segment!, from: run.comparedWith!, to: run.runId };
  useEffect(() => {
    setDiff(undefined);
    api<DiffAnswer>('/api/diff', { body: { ...body, limit: 100 } }).then(setDiff, (e: Error) => setNote({ text: e.message, fault: true }));
  }, [run.runId]);
  const save = async (format: 'csv' | 'xlsx', encoding?: 'utf-8-bom' | 'cp932') => {
    setNote({ text: t('preparing') });
    try {
      const { rows } = await download('/api/download/diff', { ...body, format, ...(encoding ? { encoding } : {}), headers: 'ja', values: 'ja' },
        `${run.segment}-entered-left-${run.comparedWith}-${run.runId}.${format}`, (p) => setNote({ text: `${t('downloading')} ${Math.round(p.received / 1024)} KB` }));
      setNote({ text: `${t('downloaded')}: ${rows.toLocaleString('ja-JP')} ${t('rows')}` });
    } catch (error) {
      setNote({ text: error instanceof ApiError ? error.message : String(error), fault: true });
    }
  };
  const list = (side: 'entered' | 'left') => diff && (
    <div class="change-list" data-testid={`changes-${side}`}>
      <b>{t(`job_${side}`)} <span data-testid={`changes-${side}-count`}>{n(diff[side].count)}</span> {t('people')}</b>
      <ul>{diff[side].rows.map((r) => <li key={String(r.customer_id)}>{String(r.customer_id)} {String(r.name ?? '')}</li>)}</ul>
    </div>
  );
  return (
    <div class="changes" data-testid="changes">
      <div class="download-panel">
        <b>#{run.comparedWith} → #{run.runId}</b>
        <button type="button" data-testid="changes-csv" onClick={() => save('csv', 'utf-8-bom')}>CSV (UTF-8 BOM)</button>
        <button type="button" data-testid="changes-cp932" onClick={() => save('csv', 'cp932')}>CSV (Shift_JIS)</button>
        <button type="button" data-testid="changes-xlsx" onClick={() => save('xlsx')}>Excel (xlsx)</button>
        {note && <span class={note.fault ? 'fault' : 'note'} role="status" data-testid="changes-state">{note.text}</span>}
      </div>
      <div class="change-lists">{list('entered')}{list('left')}</div>
    </div>
  );
}

/** 実行履歴: a job's runs, newest first, with the trend of its counts and, per run, who entered and left. */
export function JobHistory({ job, version }: { job: string; version: number }) {
  const t = useT();
  const [runs, setRuns] = useState<readonly RunRecord[]>([]);
  const [open, setOpen] = useState<RunRecord | undefined>(undefined);
  useEffect(() => {
    api<{ runs: RunRecord[] }>(`/api/history?job=${encodeURIComponent(job)}`).then((r) => setRuns(r.runs), () => setRuns([]));
  }, [job, version]);
  return (
    <section class="job-history" data-testid="job-history">
      <h3>{t('job_history')}</h3>
      {runs.length === 0 ? <p class="empty">{t('job_noRuns')}</p> : (
        <>
          <TrendChart runs={runs} />
          <table class="members-table">
            <thead><tr><th>#</th><th>{t('job_started')}</th><th>{t('asOf')}</th><th>{t('job_status')}</th><th class="num">{t('total')}</th><th class="num">{t('job_entered')}</th><th class="num">{t('job_left')}</th><th /></tr></thead>
            <tbody>
              {[...runs].reverse().map((r) => (
                <tr key={r.runId} data-run={r.runId}>
                  <td>{r.runId}</td><td>{r.startedAt.replace('T', ' ').slice(0, 19)}</td><td>{r.asOf ?? ''}</td>
                  <td class={r.status === 'succeeded' ? '' : 'fault'} title={r.error ?? ''} data-status={r.status}>{t(`run_${r.status}`)}</td>
                  <td class="num" data-testid="run-count">{n(r.count)}</td><td class="num">{n(r.entered)}</td><td class="num">{n(r.left)}</td>
                  <td>{r.comparedWith !== null && r.segment !== null && r.membersKept && (
                    <button type="button" class="link" data-testid="show-changes" onClick={() => setOpen(r)}>{t('job_showChanges')}</button>
                  )}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {open && <Changes run={open} />}
        </>
      )}
    </section>
  );
}
