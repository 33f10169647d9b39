import { z } from 'zod';
import { say } from '../faults.js';
import { addFault } from './context.js';
import { checkDateOrder, dateRange, dateValue, despiteFaults, fixedObject, MAX_LIST, numberRange, present, textList, written, type DateRange, type NumberRange } from './parts.js';

export interface PurchaseWindow extends DateRange {
  /** which time of a line the window tests */
  readonly on: 'ordered' | 'shipped';
}

export interface ProductRow {
  /** product codes; empty when the row names categories only */
  readonly products: readonly string[];
  /** categories; empty when the row names products only */
  readonly categories: readonly string[];
  readonly count: NumberRange;
  readonly unit: 'orders' | 'quantity';
}

/** Lifetime figures (no scope filter) or figures over the lines in scope; every figure given must hold. */
export interface PurchasesCondition {
  readonly kind: 'purchases';
  readonly window?: PurchaseWindow;
  readonly stores?: readonly string[];
  readonly media?: readonly string[];
  readonly orderCodes?: { readonly min?: string; readonly max?: string };
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  readonly orderCount?: NumberRange;
  readonly sales?: NumberRange;
  readonly firstOrderedAt?: DateRange;
  readonly lastOrderedAt?: DateRange;
  readonly lastShippedAt?: DateRange;
  readonly firstOrderProducts?: readonly string[];
  readonly lastOrderProducts?: readonly string[];
  readonly products?: readonly ProductRow[];
}

const FIGURES = ['orderCount', 'sales', 'firstOrderedAt', 'lastOrderedAt', 'lastShippedAt', 'firstOrderProducts', 'lastOrderProducts', 'products'] as const;
const SCOPE = ['window', 'stores', 'media', 'orderCodes', 'groups'] as const;

const window = fixedObject({
  on: z.enum(['ordered', 'shipped'], { error: say('unknown-window-on', 'on is "ordered" or "shipped"') }).optional(),
  from: dateValue.optional(),
  to: dateValue.optional(),
}, 'a window', 'a window is {"from": D, "to": D, "on": "ordered" | "shipped"}', ['from', 'to', 'on'])
  .superRefine((w, ctx) => checkDateOrder(w.from, w.to, ctx), despiteFaults)
  .transform((w): PurchaseWindow => ({ ...w, on: w.on ?? 'ordered' }));

const orderCode = z.string({ error: say('not-a-text', 'an order code is a text') }).optional();
const orderCodes = fixedObject({ min: orderCode, max: orderCode }, 'an order code range', 'orderCodes is {"min": "A0001", "max": "A0999"}')
  .superRefine((codes, ctx) => {
    if (codes.min === undefined && codes.max === undefined) addFault(ctx, 'empty-range', 'give "min", "max" or both');
    if (typeof codes.min === 'string' && typeof codes.max === 'string' && codes.min > codes.max) {
      addFault(ctx, 'min-greater-than-max', `min "${codes.min}" comes after max "${codes.max}"`);
    }
  }, despiteFaults);

const groupValues = textList(true);

/** Each entry parsed as a list; not z.record, which drops a key named `__proto__` (and with it a filter). */
const groups = written({ type: 'object', additionalProperties: { type: 'array', items: { type: ['string', 'number'] }, minItems: 1, maxItems: MAX_LIST } })
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

const productRow = fixedObject({
  products: textList(true).optional(),
  categories: textList(true).optional(),
  unit: z.enum(['orders', 'quantity'], { error: say('unknown-unit', 'unit is "orders" or "quantity"') }).optional(),
  count: numberRange({ integer: true }).optional(),
}, 'a product row', 'a product row is {"products": [...], "categories": [...], "count": {"min": N, "max": N}}', ['products', 'categories', 'count', 'unit'])
  .superRefine((row, ctx) => {
    if (row.products === undefined && row.categories === undefined) addFault(ctx, 'empty-product-row', 'a product row names products, categories or both');
    if (row.count === undefined) addFault(ctx, 'missing-property', 'a product row needs a "count" range, e.g. {"min": 1}; never bought is {"min": 0, "max": 0}');
  }, despiteFaults)
  .transform((row): ProductRow => ({
    products: row.products ?? [],
    categories: row.categories ?? [],
    count: present(row.count),
    unit: row.unit ?? 'orders',
  }))
  .meta({ required: ['count'], anyOf: [{ required: ['products'] }, { required: ['categories'] }] });

const purchasesShape = {
  kind: z.literal('purchases'),
  // In the order the faults are listed.
  window: window.optional(),
  stores: textList(true).optional(),
  media: textList(true).optional(),
  firstOrderProducts: textList(true).optional(),
  lastOrderProducts: textList(true).optional(),
  orderCodes: orderCodes.optional(),
  groups: groups.optional(),
  orderCount: numberRange({ integer: true, nonNegative: true }).optional(),
  sales: numberRange({}).optional(),
  firstOrderedAt: dateRange().optional(),
  lastOrderedAt: dateRange().optional(),
  lastShippedAt: dateRange().optional(),
  // An empty list of rows would select on nothing: refused like every other empty list.
  products: z.array(productRow, { error: say('not-a-list', 'products is a list of product rows') })
    .superRefine((rows, ctx) => {
      if (rows.length === 0) addFault(ctx, 'empty-list', 'the list is empty');
    })
    .optional(),
};

export const purchasesCondition = fixedObject(purchasesShape, 'a purchases condition', 'a condition must be an object', ['kind', ...SCOPE, ...FIGURES])
  .superRefine((leaf, ctx) => {
    if (!FIGURES.some((f) => leaf[f] !== undefined)) {
      addFault(ctx, 'needs-a-figure', `a purchases condition needs at least one figure (${FIGURES.join(', ')}); "bought at least once" is orderCount {"min": 1}`);
    }
  }, despiteFaults)
  .transform((leaf): PurchasesCondition => leaf)
  .meta({ anyOf: FIGURES.map((f) => ({ required: [f] })) });
