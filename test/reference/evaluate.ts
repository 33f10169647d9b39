/**
 * The reference evaluator: src/model/segment-definition.md applied to plain rows, written from the spec
 * and sharing no code with the planner or the SQL. The property test requires the planner's
 * customer set to equal this one.
 */
import type { Dataset, PurchaseRow } from './model.js';
import { birthdayHolds } from './birthday.js';
import { attributeNumber, attributeTime, looseText } from './loose-text.js';
import { subscriptionHolds } from './subscription.js';
import { counts, orderHolds, remarkHas } from './purchase-lines.js';
import { rfmHolds, rfmScores, type CutPoints, type Scores } from './rfm.js';

type Json = any; // definitions are validated before they reach here
type Day = { y: number; m: number; d: number };

const fold = (s: string) => s.normalize('NFKC').toLowerCase();
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const dayText = (d: Day) => `${pad(d.y, 4)}-${pad(d.m)}-${pad(d.d)}`;
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
// Blank: nothing but Unicode space separators (U+3000 and the no-break space among them).
const blank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && /^\p{Zs}*$/u.test(v));

function shift(day: Day, n: number, unit: string): Day {
  if (unit === 'd' || unit === 'w') {
    const t = new Date(Date.UTC(day.y, day.m - 1, day.d + n * (unit === 'w' ? 7 : 1)));
    return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
  }
  const months = day.y * 12 + day.m - 1 + n * (unit === 'y' ? 12 : 1);
  const y = Math.floor(months / 12);
  const m = (months % 12) + 1;
  return { y, m, d: Math.min(day.d, lastDay(y, m)) };
}

/** [lowest included time, highest included time] for a date range at the as-of date. */
function bounds(range: { from?: string; to?: string }, asOf: Day): [string, string] {
  const resolve = (v: string, end: boolean): string => {
    const rel = /^today(?:([+-])(\d+)([dwmy]))?$/.exec(v);
    const day = rel ? (rel[1] ? shift(asOf, (rel[1] === '-' ? -1 : 1) * Number(rel[2]), rel[3]!) : asOf) : undefined;
    const text = day ? dayText(day) : v;
    if (text.length === 10) return `${text} ${end ? '23:59:59.999999' : '00:00:00'}`;
    return text;
  };
  return [range.from !== undefined ? resolve(range.from, false) : '0000', range.to !== undefined ? resolve(range.to, true) : '9999'];
}

const inRange = (value: string | null | undefined, range: { from?: string; to?: string }, asOf: Day) => {
  if (value === null || value === undefined) return false;
  const t = value.length === 10 ? `${value} 00:00:00` : value;
  const [lo, hi] = bounds(range, asOf);
  return t >= lo && t <= hi;
};
const inNumbers = (n: number, r: { min?: number; max?: number }) => (r.min === undefined || n >= r.min) && (r.max === undefined || n <= r.max);

/** `between` on an attribute: numbers when the bounds are numbers, else dates; other values never match. */
function attributeBetween(cond: Json, v: string, asOf: Day): boolean {
  if (typeof cond.min === 'number' || typeof cond.max === 'number') {
    const n = attributeNumber(v);
    return n !== undefined && inNumbers(n, cond);
  }
  const t = attributeTime(v);
  return t !== undefined && inRange(t, { from: cond.min, to: cond.max }, asOf);
}

export class ReferenceEvaluator {
  /** the shop's fixed RFM cut points (kumiwake settings set rfm); none: quintiles */
  rfmCutPoints: CutPoints = {};
  /** the shop's sales statuses (kumiwake settings set sales-statuses); none: every status but cancelled */
  salesStatuses: string[] | undefined;
  private rfmCache = new Map<string, Map<string, Scores>>();

  constructor(private readonly data: Dataset, private readonly saved: Map<string, Json>, private readonly enumValue: (field: string, v: string) => string) {}

  members(definition: Json, asOf: Day): Set<string> {
    const out = new Set<string>();
    for (const c of this.data.customers) {
      if (!definition.includeDeleted && c.deleted === true) continue;
      if (definition.where === undefined || this.holds(definition.where, c, asOf)) out.add(c.customer_id);
    }
    return out;
  }

  /** The customers one condition (a node of a definition, as written) holds for, among those not deleted unless `includeDeleted`. */
  nodeMembers(node: Json, asOf: Day, includeDeleted: boolean): Set<string> {
    return new Set(this.data.customers.filter((c) => (includeDeleted || c.deleted !== true) && this.holds(node, c, asOf)).map((c) => c.customer_id));
  }

  reachable(c: Json, channel: string): boolean {
    const active = c.withdrawn !== true && c.deleted !== true;
    const email = (address: string, permission: string) =>
      !blank(c[address]) && (c.mail_permission === permission || c.mail_permission === 'both') &&
      (c.mail_status ?? 'normal') === 'normal' && (c.bounce_count ?? 0) < 3 && active;
    switch (channel) {
      case 'email_pc': return email('email_pc', 'pc');
      case 'email_mobile': return email('email_mobile', 'mobile');
      case 'email': return email('email_pc', 'pc') || email('email_mobile', 'mobile');
      case 'line': return c.line_linked === true && (c.line_status ?? 'normal') === 'normal' && (c.line_permission ?? 'allowed') === 'allowed' && active;
      case 'dm': return c.dm_permission === 'allowed' && !blank(c.postal_code) && !blank(c.address) && active;
    }
    throw new Error(channel);
  }

  private holds(cond: Json, c: Json, asOf: Day): boolean {
    if ('all' in cond) return cond.all.every((x: Json) => this.holds(x, c, asOf));
    if ('any' in cond) return cond.any.some((x: Json) => this.holds(x, c, asOf));
    if ('not' in cond) return !this.holds(cond.not, c, asOf);
    switch (cond.kind) {
      case 'field': return this.field(cond, c, asOf);
      case 'birthday': return birthdayHolds(cond, c.birthday as string | null, asOf);
      case 'age': {
        if (!c.birthday) return false;
        const [y, m, d] = [Number(c.birthday.slice(0, 4)), Number(c.birthday.slice(5, 7)), Number(c.birthday.slice(8, 10))];
        const age = asOf.y - y - (asOf.m * 100 + asOf.d < m * 100 + d ? 1 : 0);
        return inNumbers(age, cond);
      }
      case 'tenure': {
        if (!c.registered_at) return false;
        const start = Date.UTC(Number(c.registered_at.slice(0, 4)), Number(c.registered_at.slice(5, 7)) - 1, Number(c.registered_at.slice(8, 10)));
        return inNumbers(Math.round((Date.UTC(asOf.y, asOf.m - 1, asOf.d) - start) / 86400000), cond);
      }
      case 'tags': {
        const have = new Set(((c.tags ?? []) as string[]).map(fold));
        const want = cond.tags.map((t: Json) => fold(String(t)));
        return cond.match === 'all' ? want.every((t: string) => have.has(t)) : want.some((t: string) => have.has(t));
      }
      case 'reachable': return this.reachable(c, cond.channel);
      case 'purchases': return this.purchases(cond, c.customer_id, asOf);
      case 'mail': return this.mail(cond, c.customer_id, asOf);
      case 'rfm': {
        const key = `${asOf.y}-${asOf.m}-${asOf.d}:${JSON.stringify(this.rfmCutPoints)}:${JSON.stringify(this.salesStatuses ?? null)}`;
        if (!this.rfmCache.has(key)) this.rfmCache.set(key, rfmScores(this.data, asOf, this.rfmCutPoints, this.salesStatuses));
        return rfmHolds(cond, this.rfmCache.get(key)!.get(c.customer_id));
      }
      case 'subscription': return subscriptionHolds(cond, (this.data.subscriptions ?? []).filter((s) => s.customer_id === c.customer_id), (v, r) => inRange(v, r, asOf));
      case 'segment': {
        const def = this.saved.get(cond.name);
        return this.members(def, asOf).has(c.customer_id);
      }
    }
    throw new Error(`unknown kind ${cond.kind}`);
  }

  private field(cond: Json, c: Json, asOf: Day): boolean {
    const name: string = cond.field;
    const v = name.startsWith('attr:') ? this.data.attributes.get(c.customer_id)?.get(name.slice(5)) ?? null : c[name];
    const missing = blank(v) || (Array.isArray(v) && v.length === 0);
    if (cond.op === 'is_empty') return missing;
    if (cond.op === 'is_not_empty') return !missing;
    const negated = cond.op === 'ne' || cond.op === 'not_in';
    // An empty value (or only spaces) among the values asked for is the "unselected": it names the missing ones.
    const unselected = (x: Json) => typeof x === 'string' && x.trim() === '';
    const asksUnselected = cond.op === 'eq' || cond.op === 'ne' ? unselected(cond.value)
      : cond.op === 'in' || cond.op === 'not_in' ? cond.values.some(unselected) : false;
    if (missing) return negated ? !asksUnselected : asksUnselected;
    const isDate = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) && (name.endsWith('_at') || name === 'birthday');
    let result: boolean;
    if (typeof v === 'string' && !isDate) {
      // Customer ids are kept exactly as imported, and compared so; other text is folded.
      const exact = name === 'customer_id' && cond.loose !== true;
      const textFold = cond.loose === true ? looseText : fold;
      const norm = (x: Json) => (exact ? String(x) : textFold(this.enumValue(name, String(x))));
      const text = exact ? v : textFold(v);
      const eq = (x: Json) => (unselected(x) ? false : text === norm(x));
      switch (cond.op) {
        case 'eq': case 'ne': result = eq(cond.value); break;
        case 'in': case 'not_in': result = cond.values.some(eq); break;
        case 'contains': result = text.includes(norm(cond.value)); break;
        case 'starts_with': result = text.startsWith(norm(cond.value)); break;
        case 'ends_with': result = text.endsWith(norm(cond.value)); break;
        case 'between': {
          if (name.startsWith('attr:')) return attributeBetween(cond, v, asOf);
          // An integer of at most 18 digits (leading zeros aside): what both engines read exactly.
          if (!/^\s*[+-]?0*\d{1,18}\s*$/.test(v)) return false;
          const n = BigInt(v.trim());
          result = (cond.min === undefined || n >= BigInt(cond.min)) && (cond.max === undefined || n <= BigInt(cond.max));
          break;
        }
        default: throw new Error(cond.op);
      }
    } else if (isDate) {
      const on = (x: string) => inRange(v, { from: x, to: x }, asOf);
      switch (cond.op) {
        case 'eq': case 'ne': result = on(cond.value); break;
        case 'in': case 'not_in': result = cond.values.some(on); break;
        case 'between': result = inRange(v, { from: cond.min, to: cond.max }, asOf); break;
        default: throw new Error(cond.op);
      }
    } else {
      switch (cond.op) {
        case 'eq': case 'ne': result = v === cond.value; break;
        case 'in': case 'not_in': result = cond.values.includes(v); break;
        case 'between': result = inNumbers(v, cond); break;
        default: throw new Error(cond.op);
      }
    }
    return negated ? !result : result;
  }

  private lineInScope(p: PurchaseRow, cond: Json, asOf: Day): boolean {
    if (!counts(p, cond.statuses, this.salesStatuses)) return false;
    if (cond.window && !inRange(cond.window.on === 'shipped' ? p.shipped_at : p.ordered_at, cond.window, asOf)) return false;
    if (cond.shipWindow && !inRange(p.shipped_at, cond.shipWindow, asOf)) return false;
    if (cond.stores && !cond.stores.map(String).includes(p.store_id)) return false;
    if (cond.media && !cond.media.map(String).includes(p.media)) return false;
    if (cond.orderCodes) {
      if (p.order_code === null) return false;
      if (cond.orderCodes.min !== undefined && p.order_code < cond.orderCodes.min) return false;
      if (cond.orderCodes.max !== undefined && p.order_code > cond.orderCodes.max) return false;
    }
    for (const [name, values] of Object.entries(cond.groups ?? {})) {
      const value = p.groups[name];
      if (value === null || value === undefined || !(values as Json[]).map(String).includes(value)) return false;
    }
    return true;
  }

  private purchases(cond: Json, customerId: string, asOf: Day): boolean {
    const lines = this.data.purchases.filter((p) => p.customer_id === customerId && this.lineInScope(p, cond, asOf));
    const orders = new Map<string, PurchaseRow[]>();
    for (const l of lines) orders.set(l.order_id, [...(orders.get(l.order_id) ?? []), l]);
    const summary = [...orders.entries()].map(([id, ls]) => ({
      id,
      lines: ls,
      ts: ls.map((l) => l.ordered_at).sort()[0]!,
      shipped: ls.map((l) => l.shipped_at).filter((s): s is string => s !== null).sort().at(-1) ?? null,
    }));
    summary.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const first = summary[0];
    const last = summary.at(-1);
    if (cond.orderCount && !inNumbers(summary.length, cond.orderCount)) return false;
    if (cond.sales && !inNumbers(lines.reduce((s, l) => s + (l.amount ?? 0), 0), cond.sales)) return false;
    if (cond.firstOrderedAt && !inRange(first?.ts, cond.firstOrderedAt, asOf)) return false;
    if (cond.lastOrderedAt && !inRange(last?.ts, cond.lastOrderedAt, asOf)) return false;
    if (cond.lastShippedAt && !inRange(last?.shipped, cond.lastShippedAt, asOf)) return false;
    if (cond.firstOrderProducts && !(first && first.lines.some((l) => cond.firstOrderProducts.map(String).includes(l.product_code)))) return false;
    if (cond.lastOrderProducts && !(last && last.lines.some((l) => cond.lastOrderProducts.map(String).includes(l.product_code)))) return false;
    if (cond.lastOrder && !(last && orderHolds(cond.lastOrder, last.lines))) return false;
    if (cond.firstOrder && !(first && orderHolds(cond.firstOrder, first.lines))) return false;
    for (const row of cond.products ?? []) {
      const matches = (l: PurchaseRow) => {
        const category = l.category ?? this.data.products.find((p) => p.product_code === l.product_code)?.category ?? null;
        const product = (row.products ?? []).map(String).includes(l.product_code) || (category !== null && (row.categories ?? []).map(String).includes(category));
        if (row.remarkContains === undefined) return product;
        return (product || (!row.products && !row.categories)) && remarkHas(l, row.remarkContains);
      };
      const figure = row.unit === 'quantity'
        ? lines.filter(matches).reduce((s, l) => s + (l.quantity ?? 1), 0)
        : summary.filter((o) => o.lines.some(matches)).length;
      if (!inNumbers(figure, row.count)) return false;
    }
    return true;
  }

  private mail(cond: Json, customerId: string, asOf: Day): boolean {
    let selected: Set<string>;
    if (cond.mails) selected = new Set(cond.mails.map(String));
    else {
      const f = cond.mailFilter;
      selected = new Set(this.data.mails.filter((m) =>
        (!f.kinds || (m.kind !== null && f.kinds.includes(m.kind))) &&
        (!f.stores || (m.store_id !== null && f.stores.map(String).includes(m.store_id))) &&
        (!f.subkinds || (m.subkind != null && f.subkinds.map((k: Json) => fold(String(k))).includes(fold(m.subkind)))) &&
        (f.subjectContains === undefined || (m.subject !== null && fold(m.subject).includes(fold(f.subjectContains)))) &&
        (!f.sent || inRange(m.sent_at, f.sent, asOf))).map((m) => m.mail_id));
    }
    if (selected.size === 0) return false;
    const hit = new Set(this.data.events
      .filter((e) => e.customer_id === customerId && e.event === cond.event && selected.has(e.mail_id) && (!cond.window || inRange(e.occurred_at, cond.window, asOf)))
      .map((e) => e.mail_id));
    return cond.match === 'all' ? [...selected].every((m) => hit.has(m)) : hit.size > 0;
  }
}
