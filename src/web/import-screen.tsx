import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, unreachable } from './api.js';
import { useT } from './i18n.js';


interface Preview {
  readonly encoding: string;
  readonly columns: ReadonlyArray<{ header: string; column: string | null; label?: string }>;
  readonly unknown: readonly string[];
  readonly fault?: string;
}

interface ImportRecord {
  readonly importId: number;
  readonly table: string;
  readonly mode: string;
  readonly files: readonly string[];
  readonly encodings: readonly string[] | null;
  readonly startedAt: string;
  readonly rowsRead: number | null;
  readonly rowsLoaded: number | null;
  readonly rowsRejected: number | null;
  readonly rejectsFile: string | null;
  readonly outcome: string;
  readonly error: string | null;
}

const n = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value.toLocaleString('ja-JP'));

/** Sends the file as the request body (streamed by the browser, written to disk by the server), with its upload progress. */
function uploadFile(file: File, table: string, onProgress: (fraction: number) => void): Promise<{ upload: string; preview: Preview }> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/uploads?table=${encodeURIComponent(table)}&name=${encodeURIComponent(file.name)}`);
    request.setRequestHeader('X-Kumiwake', '1');
    request.setRequestHeader('Content-Type', 'text/csv');
    request.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    request.onload = () => {
      const data = request.responseText === '' ? undefined : JSON.parse(request.responseText);
      if (request.status >= 200 && request.status < 300) resolve(data);
      else reject(new ApiError(request.status, data?.error?.code ?? 'http', data?.error?.message ?? `HTTP ${request.status}`));
    };
    request.onerror = () => reject(unreachable());
    request.send(file);
  });
}

/**
 * データ取込: a CSV for any table, uploaded to the server, its encoding and header mapping shown
 * before anything is imported (unknown columns flagged), then imported by the library with its
 * progress; a refused file shows the importer's file:line message, bad rows set aside (不正行の
 * 許容数) can be downloaded as the rejects file, and the import history is listed below.
 */
export function ImportScreen() {
  const t = useT();
  const [table, setTable] = useState<string>('customers');
  const [file, setFile] = useState<File | undefined>(undefined);
  const [upload, setUpload] = useState<{ id: string; preview: Preview } | undefined>(undefined);
  const [mode, setMode] = useState('upsert');
  const [maxRejects, setMaxRejects] = useState('0');
  // auto: the importer decides; a file of mixed encodings (preview `undecided`) is read as chosen.
  const [encoding, setEncoding] = useState('auto');
  const [state, setState] = useState<{ text: string; fault?: boolean; busy?: boolean; rejects?: number } | undefined>(undefined);
  const [history, setHistory] = useState<readonly ImportRecord[]>([]);
  const [tables, setTables] = useState<readonly string[]>(['customers']);
  const poll = useRef<ReturnType<typeof setInterval> | undefined>(undefined);
  const loadHistory = () => api<{ tables: string[]; imports: ImportRecord[] }>('/api/imports?limit=20').then((r) => { setHistory(r.imports); setTables(r.tables); }, () => {});
  useEffect(() => { void loadHistory(); return () => clearInterval(poll.current); }, []);

  const discard = () => {
    if (upload) void api(`/api/uploads/${upload.id}`, { method: 'DELETE' }).catch(() => {});
    setUpload(undefined);
  };
  const send = async () => {
    if (!file) return;
    discard();
    setState({ text: t('imp_uploading'), busy: true });
    try {
      const answer = await uploadFile(file, table, (f) => setState({ text: `${t('imp_uploading')} ${Math.floor(f * 100)}%`, busy: true }));
      setUpload({ id: answer.upload, preview: answer.preview });
      setEncoding('auto');
      setState(undefined);
    } catch (error) {
      setState({ text: (error as Error).message, fault: true });
    }
  };
  const run = async () => {
    if (!upload) return;
    setState({ text: t('imp_importing'), busy: true });
    let kept = false;
    poll.current = setInterval(() => {
      api<{ progress: { label: string; fraction: number } | null }>(`/api/uploads/${upload.id}/progress`).then((p) => {
        if (p.progress && p.progress.fraction > 0) setState({ text: `${t('imp_importing')} ${p.progress.label} ${Math.floor(p.progress.fraction * 100)}%`, busy: true });
      }, () => {});
    }, 500);
    try {
      const answer = await api<{ result: { rowsRead: number; rowsLoaded: number; rowsRejected: number; rejectsFile: string | null }; importId: number | null }>(
        `/api/uploads/${upload.id}/import`, { body: { mode, maxRejects: Number(maxRejects), encoding } });
      const r = answer.result;
      setState({
        text: `${t('imp_done')}: ${t('imp_rowsRead')} ${n(r.rowsRead)} / ${t('imp_rowsLoaded')} ${n(r.rowsLoaded)} / ${t('imp_rowsRejected')} ${n(r.rowsRejected)}`,
        rejects: r.rejectsFile !== null && answer.importId !== null ? answer.importId : undefined,
      });
    } catch (error) {
      setState({ text: (error as Error).message, fault: true });
      // A refused option (maxRejects -1) keeps the upload on the server: kept here too, so the
      // import runs again once it is corrected, without sending the file again.
      kept = await api(`/api/uploads/${upload.id}/progress`).then(() => true, () => false);
    } finally {
      clearInterval(poll.current);
      if (!kept) setUpload(undefined);
      void loadHistory();
    }
  };

  return (
    <main class="layout import-screen">
      <aside class="segments-panel">
        <h2>{t('imp_title')}</h2>
        <label class="segment-name">{t('imp_table')}
          <select aria-label={t('imp_table')} value={table} onChange={(e) => { setTable(e.currentTarget.value); discard(); }}>
            {tables.map((name) => <option key={name} value={name}>{name}</option>)}
          </select>
        </label>
        <label class="segment-name">{t('imp_file')}
          <input type="file" accept=".csv,.tsv,.txt,text/csv" aria-label={t('imp_file')} data-testid="import-file"
            onChange={(e) => { setFile(e.currentTarget.files?.[0]); discard(); setState(undefined); }} />
        </label>
        <button type="button" data-testid="upload" disabled={!file || state?.busy} onClick={send}>{t('imp_upload')}</button>
        <p class="hint">{t('imp_limit')}</p>
      </aside>
      <div class="builder">
        {upload && (
          <section class="import-preview" data-testid="import-preview">
            <h3>{t('imp_preview')}: {file?.name} <span class="hint">({t('encoding')}: <span data-testid="import-encoding">{upload.preview.encoding}</span>)</span></h3>
            <table class="members-table">
              <thead><tr><th>{t('imp_header')}</th><th>{t('imp_column')}</th></tr></thead>
              <tbody>
                {upload.preview.columns.map((c) => (
                  <tr key={c.header} class={c.column === null ? 'unknown-column' : ''} data-header={c.header}>
                    <td>{c.header}</td>
                    <td>{c.column === null ? <span class="fault">{t('imp_unknown')}</span> : `${c.column}${c.label && c.label !== c.column ? ` (${c.label})` : ''}`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {upload.preview.encoding === 'undecided' && <p class="fault" data-testid="encoding-undecided">{t('imp_encodingUndecided')}</p>}
            {upload.preview.fault && <p class="fault" data-testid="preview-fault">{upload.preview.fault}</p>}
            <div class="inputs">
              <select aria-label={t('imp_mode')} value={mode} onChange={(e) => setMode(e.currentTarget.value)}>
                <option value="upsert">{t('imp_upsert')}</option><option value="append">{t('imp_append')}</option><option value="replace">{t('imp_replace')}</option>
              </select>
              <label>{t('imp_maxRejects')} <input type="text" inputMode="numeric" size={6} aria-label={t('imp_maxRejects')} value={maxRejects} onInput={(e) => setMaxRejects(e.currentTarget.value)} /></label>
              <select aria-label={t('encoding')} data-testid="import-encoding-choice" value={encoding} onChange={(e) => setEncoding(e.currentTarget.value)}>
                <option value="auto">{t('imp_encodingAuto')}</option><option value="utf-8">UTF-8</option><option value="cp932">Shift_JIS (CP932)</option>
              </select>
              <button type="button" data-testid="start-import" disabled={state?.busy || (upload.preview.encoding === 'undecided' && encoding === 'auto')} onClick={run}>{t('imp_start')}</button>
              <button type="button" onClick={discard}>{t('imp_discard')}</button>
            </div>
          </section>
        )}
        {state && (
          <p class={state.fault ? 'fault' : 'note'} role="status" data-testid="import-state">
            {state.text}
            {state.rejects !== undefined && <> — <a href={`/api/imports/${state.rejects}/rejects`} data-testid="rejects-link">{t('imp_rejectsFile')}</a></>}
          </p>
        )}
        <section class="import-history" data-testid="import-history">
          <h3>{t('imp_history')}</h3>
          <table class="members-table">
            <thead><tr><th>#</th><th>{t('job_started')}</th><th>{t('imp_table')}</th><th>{t('imp_file')}</th><th>{t('encoding')}</th><th>{t('job_status')}</th>
              <th class="num">{t('imp_rowsRead')}</th><th class="num">{t('imp_rowsLoaded')}</th><th class="num">{t('imp_rowsRejected')}</th><th /></tr></thead>
            <tbody>
              {history.map((r) => (
                <tr key={r.importId} data-import={r.importId}>
                  <td>{r.importId}</td><td>{r.startedAt.replace('T', ' ').slice(0, 19)}</td><td>{r.table}</td><td>{r.files.join(', ')}</td><td>{(r.encodings ?? []).join(', ')}</td>
                  <td class={r.outcome === 'ok' ? '' : 'fault'} title={r.error ?? ''}>{r.outcome}{r.error ? `: ${r.error}` : ''}</td>
                  <td class="num">{n(r.rowsRead)}</td><td class="num">{n(r.rowsLoaded)}</td><td class="num">{n(r.rowsRejected)}</td>
                  <td>{r.rejectsFile && <a href={`/api/imports/${r.importId}/rejects`}>{t('imp_rejectsFile')}</a>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </main>
  );
}
