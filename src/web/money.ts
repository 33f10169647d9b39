import type { Lang } from './i18n.js';

/**
 * Amounts as a marketer reads them: `118,500円` (English `¥118,500`), not `118500` (audit 41,
 * finding 12). The member columns that are money (the catalog's customer figures: 累計購入金額,
 * 平均購入単価) are named here; an average is rounded to the yen, as the customer page shows it.
 */
export const MONEY_COLUMNS: ReadonlySet<string> = new Set(['total_sales', 'average_order_value']);

/** A number as the server sends it (a number, or a decimal's text), or undefined for anything else. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

/** A number with thousands separators (`1,234`); a value that is no number as its text. */
export function numberText(value: unknown): string {
  const n = numberOf(value);
  return n === undefined ? (value === null || value === undefined ? '' : String(value)) : n.toLocaleString('ja-JP', { maximumFractionDigits: 2 });
}

/** An amount of yen: `118,500円` / `¥118,500`; empty for none. */
export function moneyText(lang: Lang, value: unknown): string {
  const n = numberOf(value);
  if (n === undefined) return value === null || value === undefined ? '' : String(value);
  const digits = Math.round(n).toLocaleString('ja-JP');
  return lang === 'ja' ? `${digits}円` : `¥${digits}`;
}
