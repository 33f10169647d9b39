import { useEditor } from '../editor.js';
import { useT } from '../i18n.js';
import { Row, Select } from '../inputs.js';
import { getAt, isObject, type Json, type Path } from '../tree.js';

/** The 11 named cells, in the order of the RFM map (src/model/rfm-cells.ts). */
export const RFM_CELLS = [
  'champions', 'loyal', 'potential_loyalist', 'new_customers', 'promising', 'need_attention',
  'about_to_sleep', 'at_risk', 'cannot_lose_them', 'hibernating', 'lost',
] as const;

const SCORES = ['1', '2', '3', '4', '5'].map((s) => [s, s] as const);

/** `[lo, hi]` as two choices; one end chosen alone gives a range of that one score, neither removes it. */
function ScoreRange({ path, label }: { path: Path; label: string }) {
  const t = useT();
  const { definition, update } = useEditor();
  const range = getAt(definition, path);
  const [lo, hi] = Array.isArray(range) ? range : [];
  const set = (end: 0 | 1) => (value: string) => {
    const next: Array<Json | undefined> = [lo, hi];
    next[end] = value === '' ? undefined : Number(value);
    const [a, b] = next;
    update(path, a === undefined && b === undefined ? undefined : [a ?? b!, b ?? a!]);
  };
  return (
    <Row label={label} path={path}>
      <Select path={[...path, 0]} label={`${label} ${t('min')}`} blank="" options={SCORES} set={set(0)} />
      <span class="tilde">～</span>
      <Select path={[...path, 1]} label={`${label} ${t('max')}`} blank="" options={SCORES} set={set(1)} />
    </Row>
  );
}

/** RFM分析: R, F and M score ranges (1–5), or one named cell (優良顧客, 休眠顧客, …). */
export function RfmForm({ path }: { path: Path }) {
  const t = useT();
  const { definition, update } = useEditor();
  const leaf = getAt(definition, path);
  if (!isObject(leaf)) return null;
  const byCell = Object.hasOwn(leaf, 'cell');
  return (
    <div class="form rfm-form">
      <Row label={t('rfmBy')}>
        <select aria-label={t('rfmBy')} value={byCell ? 'cell' : 'scores'}
          onChange={(e) => update(path, e.currentTarget.value === 'cell' ? { kind: 'rfm', cell: 'champions' } : { kind: 'rfm', r: [4, 5] })}>
          <option value="scores">{t('rfmByScores')}</option>
          <option value="cell">{t('rfmByCell')}</option>
        </select>
      </Row>
      {byCell
        ? <Row label={t('rfmCell')} path={[...path, 'cell']}><Select path={[...path, 'cell']} label={t('rfmCell')} options={RFM_CELLS.map((c) => [c, t(`cell_${c}`)] as const)} /></Row>
        : (['r', 'f', 'm'] as const).map((k) => <ScoreRange key={k} path={[...path, k]} label={t(`rfm_${k}`)} />)}
    </div>
  );
}

export const newRfmLeaf = (): Json => ({ kind: 'rfm', cell: 'champions' });
