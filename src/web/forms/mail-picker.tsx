import { useEffect, useState } from 'preact/hooks';
import { api, type Mail } from '../api.js';
import { useT } from '../i18n.js';

/** 履歴選択: mails searched by subject (or id), kind, store and send date; ticked ids are the list. */
export function MailPicker({ selected, onChange, onClose }: { selected: readonly string[]; onChange: (ids: string[]) => void; onClose: () => void }) {
  const t = useT();
  const [query, setQuery] = useState({ q: '', kind: '', store: '', sentFrom: '', sentTo: '' });
  const [mails, setMails] = useState<readonly Mail[] | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== ''));
      api<{ mails: Mail[] }>(`/api/mails?${params}`, { signal: controller.signal }).then((r) => setMails(r.mails), () => {});
    }, 150);
    return () => { clearTimeout(timer); controller.abort(); };
  }, [JSON.stringify(query)]);
  const set = (key: keyof typeof query) => (e: Event) => setQuery({ ...query, [key]: (e.currentTarget as HTMLInputElement).value });
  const toggle = (id: string, on: boolean) => onChange(on ? [...selected, id] : selected.filter((s) => s !== id));
  return (
    <div class="mail-picker" role="dialog" aria-label={t('pickMails')}>
      <div class="picker-search">
        <input type="search" placeholder={t('subject')} aria-label={t('subject')} value={query.q} onInput={set('q')} />
        <select aria-label={t('mailKind')} value={query.kind} onChange={set('kind')}>
          <option value="">{t('mailKind')}</option>
          {['manual', 'scheduled', 'scenario', 'auto', 'auto_scenario'].map((k) => <option key={k} value={k}>{t(`kind_${k}`)}</option>)}
        </select>
        <input type="text" placeholder={t('store')} aria-label={t('store')} value={query.store} onInput={set('store')} />
        <input type="date" aria-label={`${t('sent')} ${t('from')}`} value={query.sentFrom} onInput={set('sentFrom')} />
        <input type="date" aria-label={`${t('sent')} ${t('to')}`} value={query.sentTo} onInput={set('sentTo')} />
        <button type="button" onClick={onClose}>{t('close')}</button>
      </div>
      {mails !== undefined && mails.length === 0 && <p>{t('noMails')}</p>}
      {mails !== undefined && mails.length > 0 && (
        <table class="mails">
          <thead><tr><th></th><th>ID</th><th>{t('subject')}</th><th>{t('sentAt')}</th><th>{t('mailKind')}</th><th>{t('store')}</th></tr></thead>
          <tbody>
            {mails.map((m) => (
              <tr key={m.mailId}>
                <td><input type="checkbox" aria-label={m.mailId} checked={selected.includes(m.mailId)} onChange={(e) => toggle(m.mailId, e.currentTarget.checked)} /></td>
                <td>{m.mailId}</td><td>{m.subject}</td><td>{m.sentAt}</td><td>{m.kind ? t(`kind_${m.kind}`) : ''}</td><td>{m.storeId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
