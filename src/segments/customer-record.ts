import { sql } from 'kysely';
import { customers } from '../catalog/tables.js';
import type { Engine } from '../engine/engine.js';
import { KumiwakeError } from '../errors.js';
import { formatDate, type LocalDate } from '../model/dates.js';
import type { PurchasesCondition, Segment } from '../model/segment.js';
import { compileInContext } from '../planner/compile-node-flags.js';
import type { PlanOptions } from '../planner/compile-segment.js';
import { lineInScope } from '../planner/purchase-scope.js';
import { assertCustomerExists, customerFields, plainValue } from './customer-row.js';
import { planTargetOf } from './evaluate.js';
import { savedMemberships, type SegmentMembership } from './memberships.js';
import type { SegmentStore } from './store.js';

export type { SegmentMembership } from './memberships.js';

/** One column of the customer's record, with the catalog's Japanese label (an `attr:` column is its own label). */
export interface RecordField {
  readonly column: string;
  readonly label: string;
  readonly value: unknown;
}

export interface OrderLine {
  readonly lineNo: number;
  readonly productCode: string;
  readonly productName: string | null;
  /** the line's category, else the product master's */
  readonly category: string | null;
  readonly quantity: number | null;
  readonly amount: number | null;
  readonly status: string | null;
  /** the line counts in figures and segments (`counted` not false, not cancelled) */
  readonly counted: boolean;
}

export interface CustomerOrder {
  readonly orderId: string;
  /** the earliest time of its lines */
  readonly orderedAt: string;
  readonly storeId: string | null;
  /** the sum of its lines' amounts, counted or not */
  readonly amount: number;
  /** at least one of its lines counts */
  readonly counted: boolean;
  readonly lines: readonly OrderLine[];
}

export interface CustomerMailEvent {
  readonly mailId: string;
  readonly event: string;
  readonly occurredAt: string;
  /** the mail's subject, when the mails table holds the mail */
  readonly subject: string | null;
}

/** `kumiwake customer`: one customer as a marketer looks them up. */
export interface CustomerRecord {
  readonly customer_id: string;
  readonly asOf: string;
  readonly record: readonly RecordField[];
  /** over the counted lines, as segments count them (lifetime purchases figures) */
  readonly lifetime: {
    readonly orderCount: number;
    readonly sales: number;
    readonly firstOrderedAt: string | null;
    readonly lastOrderedAt: string | null;
    /** sales / orderCount; null without orders */
    readonly averageOrderValue: number | null;
  };
  /** the latest orders, newest first, with every line (counted or not) */
  readonly orders: readonly CustomerOrder[];
  /** the latest mail events, newest first */
  readonly events: readonly CustomerMailEvent[];
  /** every saved segment, with whether the customer is in it at the as-of date (or why it could not be evaluated) */
  readonly segments: readonly SegmentMembership[];
}

export interface CustomerRecordOptions {
  /** how many of the latest orders (default 10) and mail events (default 20) to list */
  readonly orders?: number;
  readonly events?: number;
}

const MAX_LISTED = 10_000;
/** No scope: a line counts when it is counted and not cancelled, as in lifetime figures. */
const LIFETIME: PurchasesCondition = { kind: 'purchases' };

function listed(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > MAX_LISTED) {
    throw new KumiwakeError('bad-argument', `${name} must be a whole number from 0 to ${MAX_LISTED.toLocaleString('en')}, not ${value}`);
  }
  return value;
}

type Row = Record<string, unknown>;
const labels = new Map(customers.columns.map((c) => [c.name, c.label]));
const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** A customer's record, lifetime figures, latest orders and mail events, and saved segments. */
export async function customerRecord(
  db: Engine, store: SegmentStore, asOf: LocalDate, customerId: string, options: CustomerRecordOptions = {},
): Promise<CustomerRecord> {
  const orderLimit = listed(options.orders, 10, 'orders');
  const eventLimit = listed(options.events, 20, 'events');
  const target = await planTargetOf(db);
  if (target.oneCustomer) {
    // The record and figures from a copy of the customer's rows, the saved segments from the engine.
    const one = await target.oneCustomer(customerId, asOf);
    try {
      const copied = await planTargetOf(one.copy);
      const plan: PlanOptions = { dialect: copied.dialect, asOf, schema: copied.schema };
      return await recordOf(one.copy, store, asOf, customerId, plan, orderLimit, eventLimit, (segments) => one.memberships(segments));
    } finally {
      one.close();
    }
  }
  await assertCustomerExists(db, target, asOf, customerId);
  return recordOf(db, store, asOf, customerId, { dialect: target.dialect, asOf, schema: target.schema }, orderLimit, eventLimit);
}

async function recordOf(
  db: Engine, store: SegmentStore, asOf: LocalDate, customerId: string, plan: PlanOptions, orderLimit: number, eventLimit: number,
  inEach?: (segments: readonly Segment[]) => Promise<boolean[]>,
): Promise<CustomerRecord> {
  const [row] = await db.query<Row>(compileInContext(() => sql`SELECT * FROM customers WHERE customer_id = ${customerId}`, plan));
  const fields = customerFields(row ?? {});
  const [summary] = await db.query<Row>(compileInContext(() => sql`SELECT order_count, sales, first_ordered_at, last_ordered_at
    FROM customer_summary WHERE customer_id = ${customerId}`, plan));
  const orderCount = Number(summary?.order_count ?? 0);
  const sales = Number(summary?.sales ?? 0);
  return {
    customer_id: customerId,
    asOf: formatDate(asOf),
    record: Object.entries(fields).map(([column, value]) => ({ column, label: labels.get(column) ?? column, value })),
    lifetime: {
      orderCount, sales,
      firstOrderedAt: plainValue(summary?.first_ordered_at) as string | null,
      lastOrderedAt: plainValue(summary?.last_ordered_at) as string | null,
      averageOrderValue: orderCount > 0 ? Math.round((sales / orderCount) * 10_000) / 10_000 : null,
    },
    orders: orderLimit === 0 ? [] : await latestOrders(db, customerId, orderLimit, plan),
    events: eventLimit === 0 ? [] : await latestEvents(db, customerId, eventLimit, plan),
    segments: await savedMemberships(db, store, customerId, plan, inEach),
  };
}

/** The latest orders (by their earliest line time, ties to the larger order id) with all their lines. */
async function latestOrders(db: Engine, customerId: string, limit: number, plan: PlanOptions): Promise<CustomerOrder[]> {
  const lines = await db.query<Row>(compileInContext((ctx) => sql`SELECT p.order_id, p.line_no, p.ordered_at, p.store_id, p.product_code,
      p.product_name, COALESCE(p.category, p.product_category) AS category, p.quantity, p.amount, p.status,
      ${lineInScope(LIFETIME, ctx)} AS line_counted, o.ts
    FROM purchases p JOIN (SELECT order_id, min(ordered_at) AS ts FROM purchases WHERE customer_id = ${customerId}
      GROUP BY order_id ORDER BY ts DESC, order_id DESC LIMIT ${sql.lit(limit)}) AS o ON o.order_id = p.order_id
    WHERE p.customer_id = ${customerId} ORDER BY o.ts DESC, p.order_id DESC, p.line_no`, plan));
  const orders = new Map<string, { order: Omit<CustomerOrder, 'lines' | 'amount' | 'counted'>; lines: OrderLine[] }>();
  for (const l of lines) {
    const id = String(l.order_id);
    if (!orders.has(id)) orders.set(id, { order: { orderId: id, orderedAt: plainValue(l.ts) as string, storeId: text(l.store_id) }, lines: [] });
    orders.get(id)!.lines.push({
      lineNo: Number(l.line_no), productCode: String(l.product_code), productName: text(l.product_name), category: text(l.category),
      quantity: num(l.quantity), amount: num(l.amount), status: text(l.status), counted: l.line_counted === true,
    });
  }
  return [...orders.values()].map(({ order, lines: ls }) => ({
    ...order, amount: ls.reduce((s, l) => s + (l.amount ?? 0), 0), counted: ls.some((l) => l.counted), lines: ls,
  }));
}

async function latestEvents(db: Engine, customerId: string, limit: number, plan: PlanOptions): Promise<CustomerMailEvent[]> {
  const events = await db.query<Row>(compileInContext(() => sql`SELECT e.mail_id, e.event, e.occurred_at, m.subject
    FROM mail_events e LEFT JOIN (SELECT mail_id, min(subject) AS subject FROM mails GROUP BY mail_id) AS m ON m.mail_id = e.mail_id
    WHERE e.customer_id = ${customerId} ORDER BY e.occurred_at DESC, e.mail_id, e.event LIMIT ${sql.lit(limit)}`, plan));
  return events.map((e) => ({ mailId: String(e.mail_id), event: String(e.event), occurredAt: plainValue(e.occurred_at) as string, subject: text(e.subject) }));
}
