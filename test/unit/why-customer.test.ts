import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whyText } from '../../src/cli/why-command.js';
import { KumiwakeError, openWorkspace, type Workspace } from '../../src/index.js';

const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;
const AS_OF = '2025-03-31';

/** A fixture CSV as rows keyed by header (the shop's files hold no quoted commas). */
function rows(file: string): Array<Record<string, string>> {
  const [header, ...lines] = readFileSync(`${SHOP}${file}.csv`, 'utf8').trim().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v])));
}

/**
 * Figures worked out from the CSV rows here, the rules of data-model.md written out plainly: a line
 * counts unless `counted` is false or its status is a cancellation; an order's time is its
 * earliest line's; sales are the counted lines' amounts.
 */
function handFigures(customerId: string, from = '0000') {
  const counted = rows('purchases').filter((p) => p.customer_id === customerId && p.counted !== 'false' && p.status !== 'キャンセル');
  const orders = new Map<string, string>();
  for (const p of counted) orders.set(p.order_id!, [orders.get(p.order_id!), p.ordered_at!].filter(Boolean).sort()[0]!);
  const inScope = [...orders].filter(([, at]) => at >= from);
  const ids = new Set(inScope.map(([id]) => id));
  const times = inScope.map(([, at]) => at).sort();
  return { orderCount: ids.size, sales: counted.filter((p) => ids.has(p.order_id!)).reduce((s, p) => s + Number(p.amount), 0), first: times[0], last: times.at(-1) };
}
const seconds = (t: string | undefined) => (t === undefined ? null : t.length === 16 ? `${t}:00` : t);

describe('why and customer on the known shop (test/fixtures/shop)', () => {
  let shop: Workspace;
  beforeAll(async () => {
    shop = await openWorkspace({ db: ':memory:' });
    for (const [table, file] of [['customers', 'customers'], ['products', 'products'], ['purchases', 'purchases'], ['mails', 'mails'], ['mail-events', 'mail_events']] as const) {
      await shop.import({ table, files: [`${SHOP}${file}.csv`] });
    }
    await shop.segments.save('vip', { where: { kind: 'tags', tags: ['vip'] } });
    await shop.segments.save('buyers', { where: { kind: 'purchases', orderCount: { min: 1 } } });
    await shop.segments.save('big-or-vip', { where: { any: [{ kind: 'tags', tags: ['vip'] }, { kind: 'purchases', sales: { min: 5000 } }] } });
    // Valid when saved (today is in 2026 or later: year 0001 or later), out of the date range at
    // as-of 2025-03-31 (year 0000): it cannot be evaluated then.
    await shop.segments.save('ancient', { where: { kind: 'purchases', window: { from: 'today-2025y' }, orderCount: { min: 1 } } });
  });
  afterAll(() => shop.close());

  it('gives the order figures of a purchases leaf, lifetime and in a window, as computed from the lines', async () => {
    const definition = { where: { all: [
      { kind: 'purchases', orderCount: { min: 2 } },
      { kind: 'purchases', window: { from: '2025-01-01' }, sales: { min: 2000 } },
    ] } };
    for (const id of ['001', '002', '003', '005']) {
      const why = await shop.why(id, { definition }, { asOf: AS_OF });
      const [, lifetime, scoped] = why.nodes;
      const all = handFigures(id);
      expect(lifetime!.figures).toMatchObject({ scope: 'lifetime', orderCount: all.orderCount, sales: all.sales, firstOrderedAt: seconds(all.first), lastOrderedAt: seconds(all.last) });
      expect(lifetime!.holds).toBe(all.orderCount >= 2);
      const since = handFigures(id, '2025-01-01');
      expect(scoped!.figures).toMatchObject({ scope: 'scoped', orderCount: since.orderCount, sales: since.sales });
      expect(scoped!.holds).toBe(since.sales >= 2000);
      expect(why.in).toBe(all.orderCount >= 2 && since.sales >= 2000);
    }
  });

  it('lists the matching product rows and the mail events found', async () => {
    const definition = { where: { all: [
      { kind: 'purchases', products: [{ categories: ['食品'], count: { min: 1 } }, { products: ['P1', 'P3'], count: { min: 2 }, unit: 'quantity' }] },
      { kind: 'mail', event: 'open', mails: ['M1', 'M2'], match: 'all' },
    ] } };
    const why = await shop.why('001', { definition }, { asOf: AS_OF });
    // 001: O1 holds P1 (化粧品, 1) and P2 (食品, 2); O2 holds P3 (1).
    expect(why.nodes[1]!.figures.products).toEqual([
      { unit: 'orders', count: 1, matches: [{ product: 'P2', category: '食品', orders: 1, quantity: 2 }] },
      { unit: 'quantity', count: 2, matches: [{ product: 'P1', category: '化粧品', orders: 1, quantity: 1 }, { product: 'P3', category: 'サプリ', orders: 1, quantity: 1 }] },
    ]);
    const events = rows('mail_events').filter((e) => e.customer_id === '001').sort((a, b) => b.occurred_at!.localeCompare(a.occurred_at!));
    expect(why.nodes[2]!.figures).toMatchObject({ selectedMails: 2, matchedMails: 2 });
    expect(why.nodes[2]!.figures.events).toEqual(events.map((e) => ({ mailId: e.mail_id, event: e.event, occurredAt: seconds(e.occurred_at), counts: true })));
    expect(why.in).toBe(true);
    const other = await shop.why('005', { definition }, { asOf: AS_OF });
    // 005 clicked M2 but opened nothing: the event is listed, and does not count.
    expect(other.nodes[2]).toMatchObject({ holds: false, figures: { matchedMails: 0, events: [{ mailId: 'M2', event: 'click', counts: false }] } });
  });

  it('says a deleted customer is out even where every condition holds, and in with includeDeleted', async () => {
    const why = await shop.why('004', { definition: { where: { kind: 'tags', tags: ['vip'] } } }, { asOf: AS_OF });
    expect(why).toMatchObject({ in: false, deleted: true, includeDeleted: false, nodes: [{ path: 'where', holds: true, figures: { tags: ['vip'] } }] });
    expect((await shop.why('004', { definition: { includeDeleted: true, where: { kind: 'tags', tags: ['vip'] } } })).in).toBe(true);
  });

  it("explains a saved segment's own conditions under the condition that refers to it", async () => {
    const why = await shop.why('003', { definition: { where: { all: [{ kind: 'segment', name: 'big-or-vip' }, { kind: 'age', max: 40 }] } } }, { asOf: AS_OF });
    // 003 carries the tag VIP (tags compare folded) and has 2,100 of counted sales; no birthday, so no age.
    const sales = handFigures('003').sales;
    expect(sales).toBeLessThan(5000);
    expect(why.nodes[1]).toMatchObject({ kind: 'segment', holds: true, figures: { segment: 'big-or-vip' } });
    expect((why.nodes[1]!.figures.nodes as Array<{ path: string; holds: boolean }>).map((n) => [n.path, n.holds])).toEqual([
      ['where', true], ['where.any[0]', true], ['where.any[1]', false],
    ]);
    expect(why.nodes[2]).toMatchObject({ kind: 'age', holds: false, figures: { birthday: null, age: null } });
    const text = whyText(why);
    expect(text).toContain('customer 003 is NOT in the segment as of 2025-03-31');
    expect(text).toMatch(/^ {8}✗ purchases: sales 5000~ {2}\[big-or-vip: where\.any\[1\]\]$/m);
    expect(text).toContain(`sales ${sales.toLocaleString('en')}`);
  });

  it('refuses an unknown customer, naming ids that differ only by width or case', async () => {
    const fault = await shop.why('００１', { segment: 'vip' }).catch((e: unknown) => e);
    expect(fault).toBeInstanceOf(KumiwakeError);
    expect(fault).toMatchObject({ code: 'unknown-customer', exitCode: 2 });
    expect((fault as Error).message).toContain('did you mean "001"?');
    await expect(shop.customer('nobody')).rejects.toMatchObject({ code: 'unknown-customer' });
  });

  it("gives a customer's record, lifetime figures, orders with lines, mail events and saved segments", async () => {
    const page = await shop.customer('001', { asOf: AS_OF, orders: 1 });
    const csv = rows('customers').find((c) => c.customer_id === '001')!;
    expect(page.record.find((f) => f.column === 'prefecture')).toEqual({ column: 'prefecture', label: '都道府県', value: csv.prefecture });
    const all = handFigures('001');
    expect(page.lifetime).toEqual({ orderCount: all.orderCount, sales: all.sales, firstOrderedAt: seconds(all.first), lastOrderedAt: seconds(all.last), averageOrderValue: all.sales / all.orderCount });
    const latest = rows('purchases').filter((p) => p.order_id === 'O1');
    expect(page.orders).toHaveLength(1);
    expect(page.orders[0]).toMatchObject({ orderId: 'O1', counted: true, amount: latest.reduce((s, p) => s + Number(p.amount), 0) });
    expect(page.orders[0]!.lines.map((l) => l.productCode)).toEqual(latest.map((p) => p.product_code));
    expect(page.events.map((e) => e.mailId)).toEqual(['M2', 'M1']);
    expect(page.events[1]!.subject).toBe('春のセール');
    expect(page.segments.filter((s) => s.in === true).map((s) => s.name).sort()).toEqual(['big-or-vip', 'buyers', 'vip']);
    expect(page.segments.find((s) => s.name === 'ancient')).toMatchObject({ in: null, error: { code: 'invalid-definition' } });
  });

  it('marks the lines that do not count (cancelled, counted false)', async () => {
    const page = await shop.customer('002', { asOf: AS_OF });
    expect(page.lifetime).toMatchObject({ orderCount: 0, sales: 0, averageOrderValue: null });
    expect(page.orders.map((o) => [o.orderId, o.counted])).toEqual([['O3', false], ['O4', false]]);
    expect(page.segments.filter((s) => s.in === true)).toEqual([]);
  });
});
