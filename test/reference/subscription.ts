/**
 * The `subscription` condition as segment-definition.md states it, on plain rows, for the
 * reference evaluator; shares no code with src/.
 */
type Json = any; // definitions are validated before they reach here

export interface SubscriptionRow {
  subscription_id: string;
  customer_id: string;
  product_code: string | null;
  /** canonical: active, paused, cancelled */
  status: string | null;
  started_at: string | null;
  next_delivery_at: string | null;
  cancelled_at: string | null;
  cancel_reason: string | null;
  cycle: string | null;
  deliveries: number | null;
  store_id: string | null;
}

const STATUS_WORDS: Record<string, string> = { 継続: 'active', 休止: 'paused', 解約: 'cancelled' };
const fold = (s: string) => s.normalize('NFKC').toLowerCase();

/**
 * Counts the customer's subscriptions passing every filter given and checks the count against
 * `count` (at least one when not given). `inRange(value, range)` is the evaluator's date-range test.
 */
export function subscriptionHolds(cond: Json, rows: readonly SubscriptionRow[], inRange: (v: string | null, r: Json) => boolean): boolean {
  const statuses = cond.status?.map((s: string) => STATUS_WORDS[s] ?? fold(s));
  const n = rows.filter((s) =>
    (!statuses || (s.status !== null && statuses.includes(s.status))) &&
    (!cond.products || (s.product_code !== null && cond.products.map(String).includes(s.product_code))) &&
    (!cond.deliveries || (s.deliveries !== null && (cond.deliveries.min === undefined || s.deliveries >= cond.deliveries.min) && (cond.deliveries.max === undefined || s.deliveries <= cond.deliveries.max))) &&
    (!cond.startedAt || inRange(s.started_at, cond.startedAt)) &&
    (!cond.nextDeliveryAt || inRange(s.next_delivery_at, cond.nextDeliveryAt)) &&
    (!cond.cancelledAt || inRange(s.cancelled_at, cond.cancelledAt)) &&
    (!cond.cancelReasons || (s.cancel_reason !== null && cond.cancelReasons.map((r: Json) => fold(String(r))).includes(fold(s.cancel_reason))))).length;
  const count = cond.count ?? { min: 1 };
  return (count.min === undefined || n >= count.min) && (count.max === undefined || n <= count.max);
}
