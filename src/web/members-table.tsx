import { useContext, useState } from 'preact/hooks';
import { api, type Catalog } from './api.js';
import { LangContext, useT, type Lang } from './i18n.js';
import { useLive } from './live.js';
import { MONEY_COLUMNS, moneyText, numberText } from './money.js';
import type { Json } from './tree.js';

interface Page {
  readonly total: number;
  readonly offset: number;
  readonly rows: ReadonlyArray<Record<string, unknown>>;
}

export const DEFAULT_MEMBER_COLUMNS: readonly string[] = ['customer_id', 'name', 'prefecture', 'order_count', 'total_sales', 'last_ordered_at'];
const PAGE_SIZE = 50;

const cell = (value: unknown) => (value === null || value === undefined ? '' : Array.isArray(value) ? value.join(', ') : String(value));
/** A cell as shown: money as `118,500円`, other numbers with separators (an id is no number: shown as it is). */
const shownCell = (lang: Lang, column: string, value: unknown) => (MONEY_COLUMNS.has(column) ? moneyText(lang, value) : typeof value === 'number' ? numberText(value) : cell(value));

/** 会員一覧: one sorted page of the segment's customers, with a column chooser and paging. */
interface Props {
  readonly definition: Json | undefined;
  readonly catalog: Catalog | undefined;
  /** the columns shown (the page keeps them: a download can use them too) */
  readonly columns: readonly string[];
  readonly onColumns: (columns: readonly string[]) => void;
  readonly onCustomer?: (id: string) => void;
}

export function MembersTable({ definition, catalog, columns, onColumns: setColumns, onCustomer }: Props) {
  const t = useT();
  const lang = useContext(LangContext);
  const [sort, setSort] = useState({ column: 'customer_id', descending: false });
  const [offset, setOffset] = useState(0);
  const [choosing, setChoosing] = useState(false);
  const request = { definition, columns, sort: sort.column, descending: sort.descending, offset, limit: PAGE_SIZE };
  const live = useLive<Page>(JSON.stringify(request), (signal) => api<Page>('/api/members', { body: request, signal }), 250);
  const label = (name: string) => catalog?.memberColumns.find((c) => c.name === name)?.label ?? name;
  const page = live.error ? undefined : live.data;
  return (
    <section class="members" data-state={live.pending ? 'pending' : 'done'}>
      <div class="members-head">
        <h2>{t('members')}</h2>
        <button type="button" onClick={() => setChoosing(!choosing)}>{t('columns')}</button>
        {page && <span class="paging">
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>{t('previous')}</button>
          <span data-testid="members-range">{page.total === 0 ? 0 : offset + 1}–{Math.min(offset + PAGE_SIZE, page.total)} / {page.total.toLocaleString('ja-JP')} {t('rows')}</span>
          <button type="button" disabled={offset + PAGE_SIZE >= page.total} onClick={() => setOffset(offset + PAGE_SIZE)}>{t('next')}</button>
        </span>}
      </div>
      {choosing && (
        <div class="column-chooser">
          {(catalog?.memberColumns ?? []).map((c) => (
            <label key={c.name} class="check">
              <input type="checkbox" checked={columns.includes(c.name)}
                onChange={(e) => setColumns(e.currentTarget.checked ? [...columns, c.name] : columns.length > 1 ? columns.filter((x) => x !== c.name) : columns)} /> {c.label}
            </label>
          ))}
        </div>
      )}
      {page && (
        <table class="member-rows" data-testid="members">
          <thead><tr>{columns.map((c) => (
            <th key={c} aria-sort={sort.column === c ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
              <button type="button" class="link" data-column={c} onClick={() => { setSort({ column: c, descending: sort.column === c && !sort.descending }); setOffset(0); }}>
                {label(c)}{sort.column === c ? (sort.descending ? ' ▼' : ' ▲') : ''}
              </button>
            </th>
          ))}</tr></thead>
          <tbody>{page.rows.map((row, i) => <tr key={i}>{columns.map((c) => (
            <td key={c} data-column={c} class={MONEY_COLUMNS.has(c) || typeof row[c] === 'number' ? 'num' : ''}>{c === 'customer_id' && onCustomer
              ? <button type="button" class="link" data-customer={cell(row[c])} onClick={() => onCustomer(cell(row[c]))}>{cell(row[c])}</button>
              : shownCell(lang, c, row[c])}</td>
          ))}</tr>)}</tbody>
        </table>
      )}
    </section>
  );
}
