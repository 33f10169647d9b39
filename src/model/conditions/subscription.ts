import { subscriptions } from '../../catalog/tables.js';
import { z } from 'zod';
import { describe } from '../faults.js';
import { canonicalEnumValue } from '../fields.js';
import { addFault } from './context.js';
import { dateRange, fixedObject, numberRange, textList, type DateRange, type NumberRange } from './parts.js';

const STATUS = subscriptions.columns.find((c) => c.name === 'status')!;
const STATUSES = [...new Set(Object.values(STATUS.values ?? {}))];

/**
 * The number of the customer's subscriptions (ecforce 定期受注) passing every filter given is in
 * `count` (default: at least one); a customer without subscription rows has 0.
 */
export interface SubscriptionCondition {
  readonly kind: 'subscription';
  /** canonical statuses: active, paused, cancelled */
  readonly status?: readonly string[];
  readonly products?: readonly string[];
  readonly deliveries?: NumberRange;
  readonly startedAt?: DateRange;
  readonly nextDeliveryAt?: DateRange;
  readonly cancelledAt?: DateRange;
  /** reasons compared folded (NFKC, lower case), as the text fields are */
  readonly cancelReasons?: readonly string[];
  readonly count: NumberRange;
}

/** Any spelling the importer reads (継続, 休止, 解約, …), made canonical. */
const statusList = textList(true, (status, i, ctx) => {
  if (typeof status === 'string' && canonicalEnumValue(STATUS, status) === undefined) {
    addFault(ctx, 'unknown-enum-value', `${describe(status)} is not a subscription status (expected ${STATUSES.join(', ')}, or 継続, 休止, 解約)`, i);
  }
}).transform((list) => [...new Set(list.map((s) => canonicalEnumValue(STATUS, s) ?? s))]);

const range = (name: string) => dateRange(`a ${name} range`, `${name} is {"from": D, "to": D}`).optional();

export const subscriptionCondition = fixedObject({
  kind: z.literal('subscription'),
  status: statusList.optional(),
  products: textList(true).optional(),
  deliveries: numberRange({ integer: true }).optional(),
  startedAt: range('startedAt'),
  nextDeliveryAt: range('nextDeliveryAt'),
  cancelledAt: range('cancelledAt'),
  cancelReasons: textList(true).optional(),
  count: numberRange({ integer: true, nonNegative: true }).optional(),
}, 'a subscription condition', 'a condition must be an object')
  .transform((leaf): SubscriptionCondition => ({ ...leaf, count: leaf.count ?? { min: 1 } }));
