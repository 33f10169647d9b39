import { useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { download, type DownloadProgress } from './download.js';
import { useT } from './i18n.js';
import type { Json } from './tree.js';

type Format = 'csv' | 'xlsx';
type Encoding = 'utf-8-bom' | 'cp932' | 'utf-8';

const percent = (p: DownloadProgress) => (p.total ? `${Math.floor((100 * p.received) / p.total)}%` : `${Math.round(p.received / 1024).toLocaleString('ja-JP')} KB`);

/**
 * ダウンロード: the segment's members as CSV (UTF-8 with BOM, CP932 or UTF-8; Japanese headers and
 * values, as `kumiwake export --headers ja --values ja`) or Excel, written on the server by the
 * export and streamed with its progress; for an open saved segment, also who entered and left it
 * between its latest two job runs (`kumiwake diff --out`).
 */
export function DownloadPanel({ definition, current, shownColumns }: { definition: Json | undefined; current: string | undefined; shownColumns: readonly string[] }) {
  const t = useT();
  const [format, setFormat] = useState<Format>('csv');
  const [encoding, setEncoding] = useState<Encoding>('utf-8-bom');
  const [japanese, setJapanese] = useState(true);
  const [asShown, setAsShown] = useState(false);
  const [state, setState] = useState<{ text: string; fault?: boolean; busy?: boolean } | undefined>(undefined);
  const options = { format, ...(format === 'csv' ? { encoding } : {}), headers: japanese ? 'ja' : 'canonical', values: japanese ? 'ja' : 'canonical' };
  const members = { ...options, ...(asShown ? { columns: shownColumns } : {}) };
  const stamp = new Date().toISOString().slice(0, 10);
  const run = async (path: string, body: unknown, name: string) => {
    // The server writes the whole file before the first byte: the seconds show it is at work.
    const started = Date.now();
    let streaming = false;
    const writing = () => setState({ text: `${t('preparing')} ${Math.round((Date.now() - started) / 1000)}${t('seconds')}`, busy: true });
    writing();
    const timer = setInterval(() => { if (!streaming) writing(); }, 1000);
    try {
      const { rows } = await download(path, body, `${name}-${stamp}.${format}`, (p) => {
        streaming = true;
        setState({ text: `${t('downloading')} ${percent(p)}`, busy: true });
      });
      setState({ text: `${t('downloaded')}: ${rows.toLocaleString('ja-JP')} ${t('rows')}` });
    } catch (error) {
      const faults = error instanceof ApiError && error.faults.length > 0 ? `: ${error.faults.map((f) => `${f.path}: ${f.message}`).join('; ')}` : '';
      setState({ text: `${(error as Error).message}${faults}`, fault: true });
    } finally {
      clearInterval(timer);
    }
  };
  return (
    <section class="download-panel">
      <b>{t('download')}</b>
      <select aria-label={t('fileFormat')} value={format} onChange={(e) => setFormat(e.currentTarget.value as Format)}>
        <option value="csv">CSV</option>
        <option value="xlsx">Excel (xlsx)</option>
      </select>
      {format === 'csv' && (
        <select aria-label={t('encoding')} value={encoding} onChange={(e) => setEncoding(e.currentTarget.value as Encoding)}>
          <option value="utf-8-bom">UTF-8 (BOM)</option>
          <option value="cp932">Shift_JIS (CP932)</option>
          <option value="utf-8">UTF-8</option>
        </select>
      )}
      <label class="check"><input type="checkbox" checked={japanese} onChange={(e) => setJapanese(e.currentTarget.checked)} /> {t('japaneseHeaders')}</label>
      <label class="check"><input type="checkbox" checked={asShown} aria-label={t('shownColumns')} onChange={(e) => setAsShown(e.currentTarget.checked)} /> {t('shownColumns')}</label>
      <button type="button" disabled={state?.busy} data-testid="download-members" onClick={() => run('/api/download', { definition, ...members }, current ?? 'segment')}>{t('downloadMembers')}</button>
      {current !== undefined && (
        <button type="button" disabled={state?.busy} data-testid="download-diff" onClick={() => run('/api/download/diff', { segment: current, ...options }, `${current}-entered-left`)}>{t('downloadDiff')}</button>
      )}
      {state && <span class={state.fault ? 'fault' : 'note'} role="status" data-testid="download-state">{state.text}</span>}
    </section>
  );
}
