import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type SavedSegment } from './api.js';
import { useT } from './i18n.js';
import type { Json } from './tree.js';

interface Props {
  readonly segments: readonly SavedSegment[];
  /** the saved segment the editor holds, if it was opened or saved */
  readonly current: string | undefined;
  readonly definition: Json | undefined;
  readonly onOpen: (segment: SavedSegment | undefined) => void;
  /** reloads the list; `current` names the segment the editor now holds */
  readonly onSaved: (current: string | undefined) => void;
}

/** 保存済みセグメント: list, open, save, save as, rename, delete (refused while another segment uses it). */
export function SegmentsPanel({ segments, current, definition, onOpen, onSaved }: Props) {
  const t = useT();
  const [name, setName] = useState(current ?? '');
  // The name box follows the segment opened elsewhere (the URL on a reload, back / forward).
  useEffect(() => setName(current ?? ''), [current]);
  const [note, setNote] = useState<{ text: string; fault: boolean } | undefined>(undefined);
  const [confirming, setConfirming] = useState(false);
  const act = async (work: () => Promise<unknown>, done: string, next: string | undefined) => {
    setConfirming(false);
    try {
      await work();
      setNote({ text: t(done), fault: false });
      onSaved(next);
    } catch (error) {
      const faults = error instanceof ApiError && error.faults.length > 0 ? `: ${error.faults.map((f) => `${f.path}: ${f.message}`).join('; ')}` : '';
      setNote({ text: `${(error as Error).message}${faults}`, fault: true });
    }
  };
  const encoded = (n: string) => `/api/segments/${encodeURIComponent(n)}`;
  const save = () => (current !== undefined && name === current
    ? act(() => api(encoded(current), { method: 'PUT', body: { definition } }), 'savedMessage', current)
    : act(() => api('/api/segments', { body: { name, definition } }), 'savedMessage', name));
  return (
    <aside class="segments-panel">
      <h2>{t('saved')}</h2>
      <ul class="segment-list">
        {segments.length === 0 && <li class="empty">{t('noSegments')}</li>}
        {segments.map((s) => (
          <li key={s.name} class={s.name === current ? 'current' : ''}>
            <button type="button" class="link" data-segment={s.name} onClick={() => { setName(s.name); setNote(undefined); onOpen(s); }}>{s.name}</button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => { setName(''); setNote(undefined); onOpen(undefined); }}>{t('newSegment')}</button>
      <label class="segment-name">{t('segmentName')}
        <input type="text" value={name} aria-label={t('segmentName')} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <div class="segment-actions">
        <button type="button" disabled={name === ''} onClick={save}>{t('save')}</button>
        <button type="button" disabled={name === ''} onClick={() => act(() => api('/api/segments', { body: { name, definition } }), 'savedMessage', name)}>{t('saveAs')}</button>
        <button type="button" disabled={current === undefined || name === '' || name === current}
          onClick={() => act(() => api(encoded(current!), { method: 'PUT', body: { name } }), 'renamedMessage', name)}>{t('rename')}</button>
        <button type="button" class={confirming ? 'danger' : ''} disabled={current === undefined}
          onClick={() => (confirming ? act(() => api(encoded(current!), { method: 'DELETE' }), 'deletedMessage', undefined) : setConfirming(true))}>
          {t(confirming ? 'confirmDelete' : 'delete')}
        </button>
      </div>
      {note && <p class={note.fault ? 'fault' : 'note'} role="status" data-testid="segment-note">{note.text}</p>}
    </aside>
  );
}
