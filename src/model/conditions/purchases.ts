import { z } from 'zod';
import { say } from '../faults.js';
import { addFault } from './context.js';
import { groups, orderCodes, orderFilter, remarkText, statusList, type OrderFilter } from './order-filter.js';
import { checkDateOrder, dateRange, dateValue, despiteFaults, fixedObject, numberRange, present, textList, type DateRange, type NumberRange } from './parts.js';

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
  /** a text the line's remark (商品備考) holds, folded; with products or categories, both must hold */
  readonly remarkContains?: string;
}

/** Lifetime figures (no scope filter) or figures over the lines in scope; every figure given must hold. */
export interface PurchasesCondition {
  readonly kind: 'purchases';
  readonly window?: PurchaseWindow;
  /** a second window on the shipping time: a line is in scope when both hold */
  readonly shipWindow?: DateRange;
  /** statuses in scope, canonical; given, they replace the shop's sales statuses */
  readonly statuses?: readonly string[];
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
  readonly lastOrder?: OrderFilter;
  readonly firstOrder?: OrderFilter;
}

const FIGURES = ['orderCount', 'sales', 'firstOrderedAt', 'lastOrderedAt', 'lastShippedAt', 'firstOrderProducts', 'lastOrderProducts', 'lastOrder', 'firstOrder', 'products'] as const;
const SCOPE = ['window', 'shipWindow', 'stores', 'media', 'orderCodes', 'groups', 'statuses'] as const;

const window = fixedObject({
  on: z.enum(['ordered', 'shipped'], { error: say('unknown-window-on', 'on is "ordered" or "shipped"') }).optional(),
  from: dateValue.optional(),
  to: dateValue.optional(),
}, 'a window', 'a window is {"from": D, "to": D, "on": "ordered" | "shipped"}', ['from', 'to', 'on'])
  .superRefine((w, ctx) => checkDateOrder(w.from, w.to, ctx), despiteFaults)
  .transform((w): PurchaseWindow => ({ ...w, on: w.on ?? 'ordered' }));

const productRow = fixedObject({
  products: textList(true).optional(),
  categories: textList(true).optional(),
  unit: z.enum(['orders', 'quantity'], { error: say('unknown-unit', 'unit is "orders" or "quantity"') }).optional(),
  count: numberRange({ integer: true }).optional(),
  remarkContains: remarkText.optional(),
}, 'a product row', 'a product row is {"products": [...], "categories": [...], "count": {"min": N, "max": N}}', ['products', 'categories', 'remarkContains', 'count', 'unit'])
  .superRefine((row, ctx) => {
    if (row.products === undefined && row.categories === undefined && row.remarkContains === undefined) {
      addFault(ctx, 'empty-product-row', 'a product row names products, categories, a remark text (remarkContains) or more than one of them');
    }
    if (row.count === undefined) addFault(ctx, 'missing-property', 'a product row needs a "count" range, e.g. {"min": 1}; never bought is {"min": 0, "max": 0}');
  }, despiteFaults)
  .transform((row): ProductRow => ({
    products: row.products ?? [],
    categories: row.categories ?? [],
    count: present(row.count),
    unit: row.unit ?? 'orders',
    ...(row.remarkContains !== undefined ? { remarkContains: row.remarkContains } : {}),
  }))
  .meta({ required: ['count'], anyOf: [{ required: ['products'] }, { required: ['categories'] }, { required: ['remarkContains'] }] });

const purchasesShape = {
  kind: z.literal('purchases'),
  // In the order the faults are listed.
  window: window.optional(),
  shipWindow: dateRange('a ship window', 'shipWindow is {"from": D, "to": D}').optional(),
  statuses: statusList.optional(),
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
  lastOrder: orderFilter.optional(),
  firstOrder: orderFilter.optional(),
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
