import { useContext, useState } from 'preact/hooks';
import { api, ApiError, type Catalog } from './api.js';
import { download } from './download.js';
import { LangContext, useT } from './i18n.js';
import { useLive } from './live.js';
import type { Json } from './tree.js';
import { valueLabel } from './value-labels.js';

interface Reach { readonly email: number; readonly line: number; readonly dm: number }

export interface BreakdownAnswer {
  readonly by: readonly string[];
  readonly count: number;
  readonly breakdown: ReadonlyArray<{ readonly key: Readonly<Record<string, string | number | boolean | null>>; readonly count: number; readonly reachable: Reach }>;
  readonly total: { readonly count: number; readonly reachable: Reach };
  readonly asOf: string;
}

/** The fields offered first, in the seed products' order; then the attribute groups, then every other customer field. */
const FIRST_FIELDS = ['store', 'prefecture', 'channel', 'rfm', 'gender', 'age_band'];
/** The breakdown's own fields (not customer columns): their names are in the messages. */
const SPECIAL_FIELDS = ['store', 'channel', 'rfm', 'age_band'];

const number = (n: number) => n.toLocaleString('ja-JP');

/** 集計: the segment broken down by one field, or crossed with a second, as a table with a bar per row (Workspace.breakdown). */
export function ResultsPanel({ definition, catalog }: { definition: Json | undefined; catalog: Catalog | undefined }) {
  const t = useT();
  const lang = useContext(LangContext);
  const [field, setField] = useState('store');
  const [second, setSecond] = useState('');
  const by = second === '' || second === field ? [field] : [field, second];
  const [note, setNote] = useState<{ text: string; fault: boolean } | undefined>(undefined);
  const save = (format: 'csv' | 'xlsx') => download('/api/download/breakdown', { definition, by, format }, `breakdown-${by.join('-').replace(/attr:/g, '')}.${format}`, () => {})
    .then(() => setNote({ text: t('downloaded'), fault: false }), (error: unknown) => setNote({ text: error instanceof ApiError ? error.message : String(error), fault: true }));
  const request = { definition, by };
  const live = useLive<BreakdownAnswer>(JSON.stringify(request), (signal) => api<BreakdownAnswer>('/api/breakdown', { body: request, signal }), 250);
  const others = (catalog?.fields ?? []).map((f) => f.name).filter((name) => !FIRST_FIELDS.includes(name) && name !== 'customer_id');
  const fieldLabel = (name: string) => (SPECIAL_FIELDS.includes(name)
    ? t(`by_${name}`)
    : catalog?.fields.find((f) => f.name === name)?.label ?? name.replace(/^attr:/, ''));
  // An answer for the fields chosen before is not shown under the new ones' heading.
  const answer = live.error || live.data?.by.join(',') !== by.join(',') ? undefined : live.data;
  const options = (
    <>
      {FIRST_FIELDS.map((name) => <option key={name} value={name}>{fieldLabel(name)}</option>)}
      {(catalog?.attributes ?? []).length > 0 && <optgroup label={t('attributeGroups')}>
        {catalog!.attributes.map((name) => <option key={name} value={name}>{name.replace(/^attr:/, '')}</option>)}
      </optgroup>}
      <optgroup label={t('otherFields')}>{others.map((name) => <option key={name} value={name}>{fieldLabel(name)}</option>)}</optgroup>
    </>
  );
  const largest = Math.max(1, ...(answer?.breakdown.map((r) => r.count) ?? []));
  return (
    <section class="results" data-state={live.pending ? 'pending' : live.error ? 'fault' : 'done'}>
      <div class="members-head">
        <h2>{t('breakdown')}</h2>
        <label>{t('breakdownBy')}{' '}
          <select aria-label={t('breakdownBy')} value={field} onChange={(e) => setField(e.currentTarget.value)}>{options}</select>
        </label>
        <label>× <select aria-label={t('breakdownCross')} value={second} onChange={(e) => setSecond(e.currentTarget.value)}>
          <option value="">{t('noCross')}</option>
          {options}
        </select></label>
        {by.includes('channel') && <span class="hint">{t('channelHint')}</span>}
        <span class="paging">
          <button type="button" data-testid="breakdown-csv" onClick={() => save('csv')}>CSV</button>
          <button type="button" data-testid="breakdown-xlsx" onClick={() => save('xlsx')}>Excel</button>
          {note && <span class={note.fault ? 'fault' : 'note'} role="status">{note.text}</span>}
        </span>
      </div>
      {live.error && <p class="fault" data-testid="breakdown-fault">{live.error.message}</p>}
      {answer && (
        <table class="breakdown" data-testid="breakdown" data-field={by.join(',')}>
          <thead><tr>
            {by.map((name) => <th key={name}>{fieldLabel(name)}</th>)}<th class="num">{t('total')}</th><th class="num">%</th><th class="bar-cell" />
            <th class="num">{t('email')}</th><th class="num">{t('line')}</th><th class="num">{t('dm')}</th>
          </tr></thead>
          <tbody>
            {answer.breakdown.map((row) => {
              const values = by.map((name) => row.key[name] ?? null);
              const share = answer.total.count === 0 ? 0 : (100 * row.count) / answer.total.count;
              // one field: its value; crossed: the values joined with | (an empty text for no value)
              const key = values.map((v) => (v === null ? '' : String(v))).join('|');
              return (
                <tr key={key} data-value={key}>
                  {by.map((name, i) => <td key={name}>{valueLabel(lang, catalog, name, values[i])}</td>)}
                  <td class="num" data-testid="breakdown-count">{number(row.count)}</td>
                  <td class="num">{share.toFixed(1)}</td>
                  <td class="bar-cell"><Bar fraction={row.count / largest} /></td>
                  <td class="num">{number(row.reachable.email)}</td><td class="num">{number(row.reachable.line)}</td><td class="num">{number(row.reachable.dm)}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot><tr>
            <th colSpan={by.length}>{t('total')}</th><th class="num" data-testid="breakdown-total">{number(answer.total.count)}</th><th /><th />
            <th class="num">{number(answer.total.reachable.email)}</th><th class="num">{number(answer.total.reachable.line)}</th><th class="num">{number(answer.total.reachable.dm)}</th>
          </tr></tfoot>
        </table>
      )}
    </section>
  );
}

/**
 * A horizontal bar as SVG: attributes, not inline styles, so the page's Content-Security-Policy
 * (styles of its own origin only) holds without a charting library's inline styles.
 */
export function Bar({ fraction }: { fraction: number }) {
  const width = Math.max(0, Math.min(1, fraction)) * 100;
  return (
    <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-hidden="true">
      <rect x="0" y="0" width="100" height="10" class="bar-back" />
      <rect x="0" y="0" width={width.toFixed(2)} height="10" class="bar-fill" />
    </svg>
  );
}
