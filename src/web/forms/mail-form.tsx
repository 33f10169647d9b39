import { useState } from 'preact/hooks';
import { useEditor } from '../editor.js';
import { useT } from '../i18n.js';
import { DateRange, ListInput, Row, Select, TextInput } from '../inputs.js';
import { getAt, isObject, jsonPath, type Json, type Path } from '../tree.js';
import { MailPicker } from './mail-picker.js';

const EVENTS = ['send', 'open', 'click', 'qr'] as const;
const KINDS = ['manual', 'scheduled', 'scenario', 'auto', 'auto_scenario'] as const;

/**
 * メール履歴: send / open / click / QR events of chosen mails (a list, or a filter of the mail
 * catalog), to include or to exclude. Excluding is the NOT of the same condition (LTV-Lab's
 * 除外する): the form wraps the leaf in `{"not": …}` and unwraps it.
 */
export function MailForm({ path, excludedAt }: { path: Path; excludedAt?: Path }) {
  const t = useT();
  const { definition, update, change } = useEditor();
  const [picking, setPicking] = useState(false);
  const leaf = getAt(definition, path);
  if (!isObject(leaf)) return null;
  const byFilter = Object.hasOwn(leaf, 'mailFilter');
  const ids = Array.isArray(leaf.mails) ? leaf.mails.map(String) : [];
  const kinds = isObject(leaf.mailFilter) && Array.isArray(leaf.mailFilter.kinds) ? leaf.mailFilter.kinds.map(String) : [];
  const setExcluded = (exclude: boolean) => {
    if (exclude && !excludedAt) update(path, { not: leaf });
    if (!exclude && excludedAt) update(excludedAt, leaf);
  };
  const setBy = (filter: boolean) => change(path, (current) => {
    if (!isObject(current)) return current;
    const { mails: _mails, mailFilter: _filter, ...rest } = current;
    return filter ? { ...rest, mailFilter: {} } : { ...rest, mails: [] };
  });
  const filterPath = [...path, 'mailFilter'];
  return (
    <div class="form mail-form">
      <Row label={t('event')} path={[...path, 'event']}>
        <Select path={[...path, 'event']} label={t('event')} options={EVENTS.map((e) => [e, t(`event_${e}`)] as const)} />
        <select aria-label={`${t('include')}/${t('exclude')}`} value={excludedAt ? 'exclude' : 'include'} onChange={(e) => setExcluded(e.currentTarget.value === 'exclude')}>
          <option value="include">{t('include')}</option>
          <option value="exclude">{t('exclude')}</option>
        </select>
      </Row>
      <Row label={t('mails')} path={[...path, byFilter ? 'mailFilter' : 'mails']}>
        <select aria-label={t('mails')} value={byFilter ? 'filter' : 'list'} onChange={(e) => setBy(e.currentTarget.value === 'filter')}>
          <option value="list">{t('byList')}</option>
          <option value="filter">{t('byFilter')}</option>
        </select>
        {!byFilter && <ListInput path={[...path, 'mails']} keepEmpty label={t('mails')} placeholder="M1, M2" />}
        {!byFilter && <button type="button" onClick={() => setPicking(!picking)}>{t('pickMails')}</button>}
      </Row>
      {!byFilter && picking && <MailPicker selected={ids} onChange={(next) => update([...path, 'mails'], next)} onClose={() => setPicking(false)} />}
      {byFilter && (
        <fieldset class="mail-filter">
          <Row label={t('mailKind')} path={[...filterPath, 'kinds']}>
            {KINDS.map((k) => (
              <label key={k} class="check">
                <input type="checkbox" data-path={jsonPath([...filterPath, 'kinds'])} value={k} checked={kinds.includes(k)}
                  onChange={(e) => {
                    const next = e.currentTarget.checked ? [...kinds, k] : kinds.filter((x) => x !== k);
                    update([...filterPath, 'kinds'], next.length === 0 ? undefined : next);
                  }} /> {t(`kind_${k}`)}
              </label>
            ))}
          </Row>
          <Row label={t('subkinds')} path={[...filterPath, 'subkinds']}><ListInput path={[...filterPath, 'subkinds']} label={t('subkinds')} placeholder="birthday, cart" /></Row>
          <Row label={t('subject')} path={[...filterPath, 'subjectContains']}><TextInput path={[...filterPath, 'subjectContains']} label={t('subject')} /></Row>
          <DateRange path={[...filterPath, 'sent']} label={t('sent')} />
          <Row label={t('stores')} path={[...filterPath, 'stores']}><ListInput path={[...filterPath, 'stores']} label={t('stores')} /></Row>
        </fieldset>
      )}
      <Row label={t('match')} path={[...path, 'match']}>
        <Select path={[...path, 'match']} label={t('match')} fallback="any" options={[['any', t('match_any')], ['all', t('match_all')]]} />
      </Row>
      <DateRange path={[...path, 'window']} label={t('eventWindow')} />
    </div>
  );
}

export const newMailLeaf = (): Json => ({ kind: 'mail', event: 'open', mails: [] });
