import type { Engine } from '../engine/engine.js';
import type { Channel, Leaf, MailCondition, PurchasesCondition } from '../model/segment.js';
import type { PlanOptions } from '../planner/compile-segment.js';
import { AGE_COLUMN, RFM_COLUMNS, TENURE_COLUMN } from '../planner/compile-node-flags.js';
import {
  compileMailEvents, compileMailTally, compileOrderFigures, compileOrderProducts, compileProductRowFigures,
} from '../planner/compile-why-figures.js';
import { isScoped } from '../planner/purchase-scope.js';
import { orderFilterFigures } from './why-order-filter.js';
import { compileSubscriptionFigures } from '../planner/compile-subscription-figures.js';
import { customerColumnType, plainValue } from './customer-row.js';

/** At most this many of a mail leaf's events are listed (the tally counts them all). */
export const MAX_LISTED_EVENTS = 50;

/** The customer's columns each reachable channel reads (segment-definition.md, reachable). */
const CHANNEL_COLUMNS: Readonly<Record<Channel, readonly string[]>> = {
  email: ['email_pc', 'email_mobile', 'mail_permission', 'mail_status', 'bounce_count', 'withdrawn', 'deleted'],
  email_pc: ['email_pc', 'mail_permission', 'mail_status', 'bounce_count', 'withdrawn', 'deleted'],
  email_mobile: ['email_mobile', 'mail_permission', 'mail_status', 'bounce_count', 'withdrawn', 'deleted'],
  line: ['line_linked', 'line_status', 'line_permission', 'withdrawn', 'deleted'],
  dm: ['dm_permission', 'postal_code', 'address', 'withdrawn', 'deleted'],
};

type Row = Record<string, unknown>;
const columns = (row: Row, names: readonly string[]) => Object.fromEntries(names.map((n) => [n, plainValue(row[n], customerColumnType(n))]));
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/**
 * What a leaf looked at for one customer: the customer's own values for field, date, tags and
 * reachable leaves (read from the flags statement's row), the order figures and matching product
 * rows in the leaf's scope for purchases, the selected mails and the events found for mail.
 */
export async function leafFigures(db: Engine, leaf: Leaf, customerId: string, row: Row, options: PlanOptions): Promise<Record<string, unknown>> {
  switch (leaf.kind) {
    case 'field': return { field: leaf.field.name, value: plainValue(row[leaf.field.name] ?? null, customerColumnType(leaf.field.name)) };
    case 'birthday': return columns(row, ['birthday']);
    case 'age': return { ...columns(row, ['birthday']), age: plainValue(row[AGE_COLUMN]) };
    case 'tenure': return { ...columns(row, ['registered_at']), days: plainValue(row[TENURE_COLUMN]) };
    case 'tags': return { tags: plainValue(row.tags) ?? [] };
    case 'reachable': return columns(row, CHANNEL_COLUMNS[leaf.channel]);
    case 'purchases': return purchaseFigures(db, leaf, customerId, options);
    case 'mail': return mailFigures(db, leaf, customerId, options);
    case 'segment': return { segment: leaf.name }; // why.ts explains its nodes
    case 'rfm': return { r: plainValue(row[RFM_COLUMNS.r]), f: plainValue(row[RFM_COLUMNS.f]), m: plainValue(row[RFM_COLUMNS.m]) };
    case 'subscription': {
      const found = await db.query<{ subscription_id: string }>(compileSubscriptionFigures(leaf, customerId, options));
      return { count: found.length, subscriptions: found.map((s) => s.subscription_id) };
    }
  }
}

async function purchaseFigures(db: Engine, leaf: PurchasesCondition, customerId: string, options: PlanOptions): Promise<Record<string, unknown>> {
  const [orders] = await db.query<Row>(compileOrderFigures(leaf, customerId, options));
  const figures: Record<string, unknown> = {
    scope: isScoped(leaf) ? 'scoped' : 'lifetime',
    orderCount: num(orders?.order_count),
    sales: num(orders?.sales),
    firstOrderedAt: plainValue(orders?.first_ordered_at),
    lastOrderedAt: plainValue(orders?.last_ordered_at),
    lastShippedAt: plainValue(orders?.last_shipped_at),
  };
  for (const [key, codes, filter, order] of [['firstOrder', leaf.firstOrderProducts, leaf.firstOrder, orders?.first_order_id], ['lastOrder', leaf.lastOrderProducts, leaf.lastOrder, orders?.last_order_id]] as const) {
    if (!codes && !filter) continue;
    const products = typeof order === 'string' ? await db.query<{ product_code: string }>(compileOrderProducts(leaf, customerId, order, options)) : [];
    const held = filter && typeof order === 'string' ? await orderFilterFigures(db, leaf, customerId, order, options) : {};
    figures[key] = typeof order === 'string' ? { orderId: order, products: products.map((p) => p.product_code), ...held } : null;
  }
  if (leaf.products) {
    const rows: unknown[] = [];
    for (const productRow of leaf.products) {
      const [total] = await db.query<Row>(compileProductRowFigures(leaf, productRow, customerId, options, true));
      const lines = await db.query<Row>(compileProductRowFigures(leaf, productRow, customerId, options, false));
      rows.push({
        unit: productRow.unit, count: productRow.unit === 'quantity' ? num(total?.quantity) : num(total?.orders),
        matches: lines.map((l) => ({ product: l.product_code, category: l.category ?? null, orders: num(l.orders), quantity: num(l.quantity) })),
      });
    }
    figures.products = rows;
  }
  return figures;
}

async function mailFigures(db: Engine, leaf: MailCondition, customerId: string, options: PlanOptions): Promise<Record<string, unknown>> {
  const base = { event: leaf.event, match: leaf.match };
  // An empty list selects no mail (the leaf matches no one): nothing to look up.
  if (leaf.mails && leaf.mails.length === 0) return { ...base, selectedMails: 0, matchedMails: 0, events: [] };
  const [tally] = await db.query<Row>(compileMailTally(leaf, customerId, options));
  const events = await db.query<Row>(compileMailEvents(leaf, customerId, MAX_LISTED_EVENTS, options));
  return {
    ...base,
    selectedMails: num(tally?.selected),
    matchedMails: num(tally?.matched),
    events: events.map((e) => ({ mailId: e.mail_id, event: e.event, occurredAt: plainValue(e.occurred_at), counts: e.counts === true })),
  };
}
