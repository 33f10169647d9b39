import { useEditor } from '../editor.js';
import { ChoiceChecks } from './choice-checks.js';
import { useT } from '../i18n.js';
import { ListInput, NumberRange, Row, Select, TextInput } from '../inputs.js';
import { getAt, isObject, type Json, type Path } from '../tree.js';
import { useState } from 'preact/hooks';

/** タグ: any or all of the tags, typed or (SATORI's タグを選択) ticked among the shop's tags. */
export function TagsForm({ path }: { path: Path }) {
  const t = useT();
  const { catalog } = useEditor();
  return (
    <div class="form">
      <Row label={t('tags')} path={[...path, 'tags']}>
        <ListInput path={[...path, 'tags']} keepEmpty label={t('tags')} />
        <ChoiceChecks path={[...path, 'tags']} choices={(catalog?.values.tags ?? []).map((tag) => ({ value: tag, label: tag }))} />
      </Row>
      <Row label={t('match')} path={[...path, 'match']}><Select path={[...path, 'match']} label={t('match')} fallback="any" options={[['any', t('match_any')], ['all', t('match_all')]]} /></Row>
    </div>
  );
}

const CHANNELS = ['email', 'email_pc', 'email_mobile', 'line', 'dm'] as const;

/** 到達可能: reachable on a channel. */
export function ReachableForm({ path }: { path: Path }) {
  const t = useT();
  return (
    <div class="form">
      <Row label={t('channel')} path={[...path, 'channel']}>
        <Select path={[...path, 'channel']} label={t('channel')} options={CHANNELS.map((c) => [c, t(`channel_${c}`)] as const)} />
      </Row>
    </div>
  );
}

/** 保存済みセグメント: the customers of another saved segment. */
export function SegmentForm({ path }: { path: Path }) {
  const t = useT();
  const { savedNames } = useEditor();
  return (
    <div class="form">
      <Row label={t('segmentName')} path={[...path, 'name']}>
        <Select path={[...path, 'name']} label={t('segmentName')} blank="" options={savedNames.map((n) => [n, n] as const)} />
      </Row>
    </div>
  );
}

const MONTHS = ['this', 'next', ...Array.from({ length: 12 }, (_, i) => String(i + 1))];

/**
 * 誕生日: a birth month (今月, 来月, 1–12月) or a month-day window (wraps the year end) whose ends
 * may be relative to the as-of date (`today` ~ `today+14d`: the birthday coupon's two weeks).
 */
export function BirthdayForm({ path }: { path: Path }) {
  const t = useT();
  const { definition, update } = useEditor();
  const leaf = getAt(definition, path);
  const byMonth = isObject(leaf) && Object.hasOwn(leaf, 'month');
  return (
    <div class="form">
      <Row label={t('birthdayBy')}>
        <select aria-label={t('birthdayBy')} value={byMonth ? 'month' : 'window'}
          onChange={(e) => update(path, e.currentTarget.value === 'month' ? { kind: 'birthday', month: 'this' } : { kind: 'birthday', from: '01-01', to: '01-31' })}>
          <option value="window">{t('birthdayByWindow')}</option>
          <option value="month">{t('birthdayByMonth')}</option>
        </select>
      </Row>
      {byMonth
        ? (
          <Row label={t('birthdayByMonth')} path={[...path, 'month']}>
            <Select path={[...path, 'month']} label={t('birthdayByMonth')}
              options={MONTHS.map((m) => [m, m === 'this' || m === 'next' ? t(`month_${m}`) : `${m}${t('monthN')}`] as const)}
              set={(m) => update([...path, 'month'], m === 'this' || m === 'next' ? m : Number(m))} />
          </Row>
        )
        : (
          <Row label={t('kind_birthday')} path={path}>
            <TextInput path={[...path, 'from']} placeholder={t('birthdayPlaceholder')} label={`${t('kind_birthday')} ${t('from')}`} />
            <span class="tilde">～</span>
            <TextInput path={[...path, 'to']} placeholder="01-10 / today+14d" label={`${t('kind_birthday')} ${t('to')}`} />
          </Row>
        )}
    </div>
  );
}

/** 年齢 and 登録からの日数: a whole-number range on the leaf itself. */
export function RangeLeafForm({ path, label }: { path: Path; label: string }) {
  return <div class="form"><NumberRange path={path} label={label} keepEmpty isLeaf /></div>;
}

/** A kind this page has no form for yet: its JSON, edited as text. */
export function OtherForm({ path }: { path: Path }) {
  const t = useT();
  const { definition, update } = useEditor();
  const [text, setText] = useState(JSON.stringify(getAt(definition, path), null, 2));
  const [bad, setBad] = useState(false);
  return (
    <div class="form">
      <textarea rows={4} class="json" aria-label="JSON" value={text}
        onInput={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          try {
            update(path, JSON.parse(value) as Json);
            setBad(false);
          } catch {
            setBad(true);
          }
        }} />
      {bad && <p class="fault">{t('invalidJson')}</p>}
    </div>
  );
}
