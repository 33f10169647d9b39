/**
 * The rules of segment-definition.md for a purchases leaf's counted lines (statuses, the shop's
 * sales statuses), remark texts and the latest / first order filters, on plain rows for the
 * reference evaluator; shares no code with src/.
 */
import type { PurchaseRow } from './model.js';

type Json = any; // definitions are validated before they reach here

const CANCELLED = ['cancelled', 'canceled', 'cancel', 'キャンセル', '取消', '取り消し'];

/** A status as written in a definition or a setting: the spellings of cancelled (any letter case) are `cancelled`, others as written. */
export const statusOf = (written: string): string => {
  const text = written.trim();
  return CANCELLED.includes(text.toLowerCase()) ? 'cancelled' : text;
};

/**
 * A line counts when `counted` is not false and its status is one the leaf lists, else one of the
 * shop's sales statuses, else anything but cancelled (a line without a status counts only then).
 */
export function counts(p: PurchaseRow, statuses: Json[] | undefined, salesStatuses: string[] | undefined): boolean {
  if (p.counted === false) return false;
  const basis = statuses ? statuses.map((s) => statusOf(String(s))) : salesStatuses?.map(statusOf);
  if (basis) return p.status !== null && basis.includes(p.status);
  return p.status !== 'cancelled';
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase();

/** The line's remark holds the text (both folded); no remark holds nothing. */
export const remarkHas = (p: PurchaseRow, text: string): boolean => typeof p.remark === 'string' && fold(p.remark).includes(fold(text));

const blank = (v: string | null) => v === null || v.trim() === '';

/** lastOrder / firstOrder: each filter given is met by one of the order's lines in scope. */
export function orderHolds(filter: Json, lines: PurchaseRow[]): boolean {
  const some = (test: (p: PurchaseRow) => boolean) => lines.some(test);
  if (filter.stores && !some((p) => p.store_id !== null && filter.stores.map(String).includes(p.store_id))) return false;
  const media: string[] = (filter.media ?? []).map(String);
  if ((media.length > 0 || filter.mediaEmpty === true) &&
    !some((p) => (p.media !== null && media.includes(p.media)) || (filter.mediaEmpty === true && blank(p.media)))) return false;
  if (filter.orderCodes && !some((p) => p.order_code !== null &&
    (filter.orderCodes.min === undefined || p.order_code >= filter.orderCodes.min) && (filter.orderCodes.max === undefined || p.order_code <= filter.orderCodes.max))) return false;
  for (const [name, values] of Object.entries(filter.groups ?? {})) {
    if (!some((p) => { const v = p.groups[name]; return v !== null && v !== undefined && (values as Json[]).map(String).includes(v); })) return false;
  }
  if (filter.statuses && !some((p) => p.status !== null && filter.statuses.map((s: Json) => statusOf(String(s))).includes(p.status))) return false;
  if (filter.products && !some((p) => filter.products.map(String).includes(p.product_code))) return false;
  if (filter.remarkContains !== undefined && !some((p) => remarkHas(p, filter.remarkContains))) return false;
  return true;
}
