/**
 * The filters a purchases leaf asks of the customer's latest or first order in scope
 * (`lastOrder`, `firstOrder`: LTV-Lab 最新購入店舗 / 最新の受注コード, Ripist 初回購入ADコード),
 * and the texts shared with the scope filters: order statuses and remark texts.
 */
import { z } from 'zod';
import type { OrderFilter } from '../definition.js';
import { purchases } from '../../catalog/tables.js';
import { say } from '../faults.js';
import { addFault } from './context.js';
import { despiteFaults, fixedObject, MAX_LIST, textList, written } from './parts.js';

/**
 * A filter on one order: it holds when, for every filter given, one of the order's lines in scope
 * passes it. Parsed, it has the written shape (definition.ts); its statuses are canonical
 * (`キャンセル` is `cancelled`) and `media` with `mediaEmpty` lets a line without media pass too.
 */
export type { OrderFilter };

const SPELLINGS = purchases.columns.find((c) => c.name === 'status')?.values ?? {};

/**
 * An order status as the importer stores it: a spelling of `cancelled` (as written or lower-cased,
 * as the importer looks it up) is `cancelled`, any other status is kept as written (trimmed).
 */
export function canonicalStatus(written: string): string {
  const text = written.trim();
  const spelled = (key: string) => (Object.hasOwn(SPELLINGS, key) ? SPELLINGS[key] : undefined);
  return spelled(text) ?? spelled(text.toLowerCase()) ?? text;
}

/** A list of order statuses (Ripist 対応状況), each canonical. */
export const statusList = textList(true).transform((list) => list.map(canonicalStatus));

/** A text a remark must hold (NFKC, case folded when compared); an empty one would hold for every remark. */
export const remarkText = z.string({ error: say('not-a-text', 'remarkContains is a text, e.g. "のし"') })
  .superRefine((text, ctx) => {
    if (text.trim() === '') addFault(ctx, 'missing-operand', 'remarkContains needs a text to look for, e.g. "のし"');
  });

const KEYS = ['stores', 'media', 'mediaEmpty', 'orderCodes', 'groups', 'statuses', 'products', 'remarkContains'] as const;

const orderCode = z.string({ error: say('not-a-text', 'an order code is a text') }).optional();
/** `{"min": "A0001", "max": "A0999"}`: order codes compared as text. */
export const orderCodes = fixedObject({ min: orderCode, max: orderCode }, 'an order code range', 'orderCodes is {"min": "A0001", "max": "A0999"}')
  .superRefine((codes, ctx) => {
    if (codes.min === undefined && codes.max === undefined) addFault(ctx, 'empty-range', 'give "min", "max" or both');
    if (typeof codes.min === 'string' && typeof codes.max === 'string' && codes.min > codes.max) {
      addFault(ctx, 'min-greater-than-max', `min "${codes.min}" comes after max "${codes.max}"`);
    }
  }, despiteFaults);

const groupValues = textList(true);

/** Each entry parsed as a list; not z.record, which drops a key named `__proto__` (and with it a filter). */
export const groups = written({ type: 'object', additionalProperties: { type: 'array', items: { type: ['string', 'number'] }, minItems: 1, maxItems: MAX_LIST } })
  .transform((raw, ctx): Readonly<Record<string, readonly string[]>> => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      addFault(ctx, 'not-an-object', 'groups maps an order group name to a list of values');
      return z.NEVER;
    }
    return Object.fromEntries(Object.entries(raw).map(([name, values]) => {
      const parsed = groupValues.safeParse(values);
      for (const issue of parsed.error?.issues ?? []) ctx.addIssue({ ...issue, path: [name, ...issue.path] });
      return [name, parsed.data ?? []];
    }));
  });

/** `lastOrder` / `firstOrder`: `orderCodes` and `groups` take the forms of the leaf's scope filters. */
export const orderFilter = fixedObject({
  stores: textList(true).optional(),
  // [] is allowed here: with "mediaEmpty": true it is "no AD code" (Ripist 初回ADコード無し).
  media: textList(false).optional(),
  mediaEmpty: z.boolean({ error: say('not-a-boolean', 'mediaEmpty is true or false') }).optional(),
  orderCodes: orderCodes.optional(),
  groups: groups.optional(),
  statuses: statusList.optional(),
  products: textList(true).optional(),
  remarkContains: remarkText.optional(),
}, 'an order filter', 'lastOrder / firstOrder is an object such as {"stores": ["100"], "media": ["google"]}', [...KEYS])
  .superRefine((filter, ctx) => {
    if (!KEYS.some((k) => filter[k] !== undefined)) addFault(ctx, 'missing-property', `an order filter needs at least one of ${KEYS.join(', ')}`);
    if (Array.isArray(filter.media) && filter.media.length === 0 && filter.mediaEmpty !== true) {
      addFault(ctx, 'empty-list', 'media is empty: a line without media is "media": [] with "mediaEmpty": true', 'media');
    }
    if (filter.mediaEmpty === false && filter.media === undefined) addFault(ctx, 'missing-property', '"mediaEmpty": false asks nothing without "media"', 'mediaEmpty');
  }, despiteFaults)
  .transform((filter): OrderFilter => {
    const { media, mediaEmpty, ...rest } = filter;
    return { ...rest, ...(media && media.length > 0 ? { media } : {}), ...(mediaEmpty ? { mediaEmpty } : {}) };
  })
  .meta({ anyOf: KEYS.map((k) => ({ required: [k] })) });
