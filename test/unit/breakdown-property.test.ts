/**
 * Breakdowns (`kumiwake count --by`, src/segments/breakdown.ts) against a plain computation: the
 * reference evaluator's members of random definitions, grouped in the test by each field as
 * segment-definition.md and command-line.md define it (age bands, RFM cells from
 * test/reference/rfm.ts, channels, the latest counted order's store).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { breakdownSegment, type BreakdownRow } from '../../src/segments/breakdown.js';
import { schemaInfo } from '../../src/segments/evaluate.js';
import { setRfmSettings, unsetSetting } from '../../src/segments/settings.js';
import { SegmentStore } from '../../src/segments/store.js';
import { ReferenceEvaluator } from '../reference/evaluate.js';
import { openReferenceShop, savedVip } from '../reference/shop.js';
import type { CustomerRow, Dataset } from '../reference/model.js';
import { definition } from '../reference/random-definitions.js';
import { cellOf, rfmScores, type CutPoints } from '../reference/rfm.js';

const asOfText = '2025-03-31';
const asOf = parseLocalDate(asOfText)!;
const day = { y: 2025, m: 3, d: 31 };
type Value = string | number | boolean | null;

/** The store of each customer's latest counted order by the end of the as-of day: the smallest store id of its counted lines. */
function latestStores(data: Dataset): Map<string, string | null> {
  const end = `${asOfText} 23:59:59.999999`;
  const orders = new Map<string, Map<string, { ts: string; stores: string[] }>>();
  for (const p of data.purchases) {
    if (p.counted === false || p.status === 'cancelled' || p.ordered_at > end) continue;
    const mine = orders.get(p.customer_id) ?? new Map();
    orders.set(p.customer_id, mine);
    const o = mine.get(p.order_id) ?? { ts: p.ordered_at, stores: [] };
    if (p.ordered_at < o.ts) o.ts = p.ordered_at;
    if (p.store_id !== null) o.stores.push(p.store_id);
    mine.set(p.order_id, o);
  }
  const stores = new Map<string, string | null>();
  for (const [customer, mine] of orders) {
    const [, last] = [...mine.entries()].sort(([ia, a], [ib, b]) => (a.ts !== b.ts ? (a.ts < b.ts ? -1 : 1) : ia < ib ? -1 : 1)).at(-1)!;
    stores.set(customer, last.stores.sort()[0] ?? null);
  }
  return stores;
}

/** Each field of one customer, as the documents define it; channel gives every channel the customer is reachable on. */
function valuesOf(field: string, c: CustomerRow, data: Dataset, reference: ReferenceEvaluator, cuts: CutPoints): Value[] {
  const blank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
  switch (field) {
    case 'age_band': {
      if (!c.birthday) return ['unknown'];
      const b = String(c.birthday);
      const age = day.y - Number(b.slice(0, 4)) - (day.m * 100 + day.d < Number(b.slice(5, 7)) * 100 + Number(b.slice(8, 10)) ? 1 : 0);
      const low = Math.floor(age / 10) * 10;
      return [`${low}-${low + 9}`];
    }
    case 'rfm': {
      const s = rfmScores(data, day, cuts).get(c.customer_id);
      return [s ? cellOf(s) : 'none'];
    }
    case 'channel': {
      const on = ['email_pc', 'email_mobile', 'line', 'dm'].filter((ch) => reference.reachable(c, ch));
      return on.length === 0 ? ['none'] : on;
    }
    case 'store': return [latestStores(data).get(c.customer_id) ?? null];
    default: {
      const v = field.startsWith('attr:') ? data.attributes.get(c.customer_id)?.get(field.slice(5)) : c[field];
      return [blank(v) ? null : (v as Value)];
    }
  }
}

/** The breakdown computed plainly: members grouped by every field's values. */
function expected(by: readonly string[], members: Set<string>, data: Dataset, reference: ReferenceEvaluator, cuts: CutPoints) {
  const cells = new Map<string, { key: Record<string, Value>; count: number; reachable: { email: number; line: number; dm: number } }>();
  for (const c of data.customers.filter((x) => members.has(x.customer_id))) {
    let keys: Record<string, Value>[] = [{}];
    for (const field of by) keys = keys.flatMap((k) => valuesOf(field, c, data, reference, cuts).map((v) => ({ ...k, [field]: v })));
    for (const key of keys) {
      const id = JSON.stringify(key);
      const cell = cells.get(id) ?? { key, count: 0, reachable: { email: 0, line: 0, dm: 0 } };
      cell.count++;
      for (const ch of ['email', 'line', 'dm'] as const) if (reference.reachable(c, ch)) cell.reachable[ch]++;
      cells.set(id, cell);
    }
  }
  return [...cells.values()];
}

const sorted = (rows: readonly BreakdownRow[] | ReturnType<typeof expected>) => [...rows].map((r) => JSON.stringify(r)).sort();

describe('count --by = the reference members grouped plainly', () => {
  let db: DuckDBEngine;
  let store: SegmentStore;
  let data: Dataset;
  let reference: ReferenceEvaluator;
  beforeAll(async () => {
    const shop = await openReferenceShop(5, { customers: 120, orders: 400, events: 100 }, { asOf, saved: { 'saved-vip': savedVip } });
    ({ db, store, reference } = shop);
    data = shop.data;
  });
  afterAll(() => db.close());

  const fields = fc.constantFrom(['gender', 'age_band'], ['rfm'], ['channel'], ['store'], ['attr:会員ランク', 'prefecture'], ['status', 'rfm', 'channel'], ['points'], ['line_linked', 'birthday'], ['registered_at']);

  it('gives the same rows, counts and reach for random definitions and fields', async () => {
    await fc.assert(fc.asyncProperty(definition, fields, async (def, by) => {
      let got;
      try {
        got = await breakdownSegment(db, def, store, asOf, by);
      } catch (e) {
        expect((e as Error).message).toMatch(/is after/); // a range empty on every day is refused
        return;
      }
      const members = reference.members(def, asOf);
      expect(sorted(got.breakdown)).toEqual(sorted(expected(by, members, data, reference, {})));
      expect(got.total.count).toBe(members.size);
      for (let i = 1; i < got.breakdown.length; i++) expect(got.breakdown[i - 1]!.count).toBeGreaterThanOrEqual(got.breakdown[i]!.count);
    }), { numRuns: 60, seed: 5 });
  });

  it('every RFM cell of everyone, with quintiles and with the shop\'s cut points', async () => {
    const everyone = { version: 1, includeDeleted: true };
    const all = reference.members(everyone, asOf);
    const quintiles = await breakdownSegment(db, everyone, store, asOf, ['rfm']);
    expect(sorted(quintiles.breakdown)).toEqual(sorted(expected(['rfm'], all, data, reference, {})));
    expect(quintiles.breakdown.filter((r) => r.key.rfm !== 'none').length).toBeGreaterThan(5);
    // A database whose purchase summaries are not built: every score from the lines.
    await db.run(`DELETE FROM schema_info WHERE key = 'purchase_summaries'`);
    try {
      expect((await schemaInfo(db)).purchaseSummaries).toBe(false);
      expect(sorted((await breakdownSegment(db, everyone, store, asOf, ['rfm', 'store'])).breakdown)).toEqual(sorted(expected(['rfm', 'store'], all, data, reference, {})));
    } finally {
      await db.setSchemaMark('purchase_summaries');
    }
    const cuts = { r: [30, 90, 180, 365], f: [2, 3, 4, 5], m: [1000, 3000, 6000, 10000] };
    await setRfmSettings(db, cuts);
    try {
      const fixed = await breakdownSegment(db, everyone, store, asOf, ['rfm']);
      expect(sorted(fixed.breakdown)).toEqual(sorted(expected(['rfm'], all, data, reference, cuts)));
      reference.rfmCutPoints = cuts;
      for (const cell of ['champions', 'lost', 'at_risk', 'hibernating', 'potential_loyalist']) {
        const def = { version: 1, where: { kind: 'rfm', cell } };
        const row = fixed.breakdown.find((r) => r.key.rfm === cell);
        expect((await breakdownSegment(db, def, store, asOf, ['rfm'])).total.count).toBe(reference.members(def, asOf).size);
        expect(reference.members({ ...def, includeDeleted: true }, asOf).size).toBe(row?.count ?? 0);
      }
    } finally {
      reference.rfmCutPoints = {};
      await unsetSetting(db, 'rfm');
    }
  });

  it('names a field the data does not hold', async () => {
    await expect(breakdownSegment(db, {}, store, asOf, ['attr:無い'])).rejects.toThrow(/attr:無い/);
    await expect(breakdownSegment(db, {}, store, asOf, ['colour'])).rejects.toThrow(/--by colour: not a customer column/);
  });
});
