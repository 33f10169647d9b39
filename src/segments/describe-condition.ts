import type { Condition, DateRange, FieldCondition, MailCondition, NumberRange, OrderFilter, ProductRow, PurchasesCondition, SubscriptionCondition } from '../model/segment.js';

// A node of a definition in a few words, for people reading per-condition counts: not a
// serialisation (the path locates the node in the definition), so long lists are shortened.

const MAX_LISTED = 4;

function quoted(values: readonly unknown[]): string {
  const shown = values.slice(0, MAX_LISTED).map((v) => (typeof v === 'string' ? `"${v}"` : String(v)));
  return values.length > MAX_LISTED ? `${shown.join(', ')} … (${values.length})` : shown.join(', ');
}

function range(r: NumberRange | DateRange): string {
  const { min, max, from, to } = r as NumberRange & DateRange;
  return from !== undefined || to !== undefined ? `${from ?? ''}~${to ?? ''}` : `${min ?? ''}~${max ?? ''}`;
}

function fieldOperand(leaf: FieldCondition): string {
  if ('values' in leaf) return ` ${quoted(leaf.values)}`;
  if ('value' in leaf) return ` ${quoted([leaf.value])}`;
  if ('range' in leaf) return ` ${range(leaf.range)}`;
  if ('dates' in leaf) return ` ${range(leaf.dates)}`;
  return '';
}

function productRow(row: ProductRow): string {
  const named = [...(row.products.length > 0 ? [quoted(row.products)] : []), ...(row.categories.length > 0 ? [`category ${quoted(row.categories)}`] : [])];
  const remark = row.remarkContains !== undefined ? `remark containing ${quoted([row.remarkContains])}` : '';
  const what = named.length > 0 && remark ? `${named.join(' or ')} with ${remark}` : named.join(' or ') || remark;
  return `${what} ${range(row.count)} ${row.unit}`;
}

/** lastOrder / firstOrder in a few words: `at stores "200", no media`. */
function orderFilter(f: OrderFilter): string {
  const media = [...(f.media ? [`media ${quoted(f.media)}`] : []), ...(f.mediaEmpty ? ['no media'] : [])].join(' or ');
  return [f.stores && `at stores ${quoted(f.stores)}`, media, f.orderCodes && `order codes ${f.orderCodes.min ?? ''}~${f.orderCodes.max ?? ''}`,
    ...Object.entries(f.groups ?? {}).map(([group, values]) => `${group} ${quoted(values)}`), f.statuses && `statuses ${quoted(f.statuses)}`,
    f.products && `holds ${quoted(f.products)}`, f.remarkContains !== undefined && `remark containing ${quoted([f.remarkContains])}`].filter(Boolean).join(', ');
}

function purchases(leaf: PurchasesCondition): string {
  const parts: string[] = [];
  if (leaf.window) parts.push(`${leaf.window.on} ${range(leaf.window)}`);
  if (leaf.shipWindow) parts.push(`shipped ${range(leaf.shipWindow)}`);
  if (leaf.statuses) parts.push(`statuses ${quoted(leaf.statuses)}`);
  if (leaf.stores) parts.push(`stores ${quoted(leaf.stores)}`);
  if (leaf.media) parts.push(`media ${quoted(leaf.media)}`);
  if (leaf.orderCodes) parts.push(`order codes ${leaf.orderCodes.min ?? ''}~${leaf.orderCodes.max ?? ''}`);
  for (const [group, values] of Object.entries(leaf.groups ?? {})) parts.push(`${group} ${quoted(values)}`);
  if (leaf.orderCount) parts.push(`orders ${range(leaf.orderCount)}`);
  if (leaf.sales) parts.push(`sales ${range(leaf.sales)}`);
  if (leaf.firstOrderedAt) parts.push(`first order ${range(leaf.firstOrderedAt)}`);
  if (leaf.lastOrderedAt) parts.push(`last order ${range(leaf.lastOrderedAt)}`);
  if (leaf.lastShippedAt) parts.push(`last shipped ${range(leaf.lastShippedAt)}`);
  if (leaf.firstOrderProducts) parts.push(`first order holds ${quoted(leaf.firstOrderProducts)}`);
  if (leaf.lastOrderProducts) parts.push(`last order holds ${quoted(leaf.lastOrderProducts)}`);
  if (leaf.lastOrder) parts.push(`last order ${orderFilter(leaf.lastOrder)}`);
  if (leaf.firstOrder) parts.push(`first order ${orderFilter(leaf.firstOrder)}`);
  for (const row of leaf.products ?? []) parts.push(productRow(row));
  return `purchases: ${parts.join(', ')}`;
}

function mail(leaf: MailCondition): string {
  const f = leaf.mailFilter;
  const selection = leaf.mails !== undefined ? quoted(leaf.mails)
    : [f?.kinds && `kind ${quoted(f.kinds)}`, f?.subjectContains !== undefined && `subject contains ${quoted([f.subjectContains])}`,
      f?.sent && `sent ${range(f.sent)}`, f?.stores && `stores ${quoted(f.stores)}`].filter(Boolean).join(', ') || 'every mail';
  return `mail ${leaf.event} ${leaf.match} of ${selection}${leaf.window ? `, ${range(leaf.window)}` : ''}`;
}

const monthDay = (md: { readonly month: number; readonly day: number }) => `${String(md.month).padStart(2, '0')}-${String(md.day).padStart(2, '0')}`;

function subscription(leaf: SubscriptionCondition): string {
  const parts = [
    leaf.status && `status ${quoted(leaf.status)}`, leaf.products && `products ${quoted(leaf.products)}`,
    leaf.deliveries && `deliveries ${range(leaf.deliveries)}`, leaf.startedAt && `started ${range(leaf.startedAt)}`,
    leaf.nextDeliveryAt && `next delivery ${range(leaf.nextDeliveryAt)}`, leaf.cancelledAt && `cancelled ${range(leaf.cancelledAt)}`,
    leaf.cancelReasons && `reasons ${quoted(leaf.cancelReasons)}`,
  ].filter((p): p is string => typeof p === 'string');
  return `subscriptions ${range(leaf.count)}${parts.length > 0 ? ` with ${parts.join(', ')}` : ''}`;
}

/** A node in a few words: groups by their size, leaves by their kind and main operands. */
export function describeCondition(condition: Condition): string {
  switch (condition.kind) {
    case 'all': return `all of ${condition.conditions.length}`;
    case 'any': return `any of ${condition.conditions.length}`;
    case 'not': return 'not';
    case 'segment': return `in segment "${condition.name}"`;
    case 'reachable': return `reachable by ${condition.channel}`;
    case 'tags': return `tags ${condition.match} of ${quoted(condition.tags)}`;
    case 'age': case 'tenure': return `${condition.kind} ${range(condition)}`;
    case 'birthday': return `birthday ${monthDay(condition.from)}~${monthDay(condition.to)}`;
    case 'subscription': return subscription(condition);
    case 'field': return `${condition.field.name} ${condition.op}${fieldOperand(condition)}`;
    case 'purchases': return purchases(condition);
    case 'mail': return mail(condition);
    default: {
      // a kind added later reads as its operands until it has words of its own
      const { kind, ...rest } = condition as { kind: string };
      const text = JSON.stringify(rest);
      return `${kind} ${text.length > 100 ? `${text.slice(0, 99)}…` : text}`;
    }
  }
}
