/**
 * Issue 14 items 1–4 on the planner: lastOrder / firstOrder, statuses and the shop's sales
 * statuses, product remarks, shipWindow. A hand-made shop whose answers are worked out in the
 * comments, then random definitions under a sales-statuses setting against the reference evaluator.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { canonicalEnumValue, lookupField } from '../../src/model/fields.js';
import type { DefinitionError } from '../../src/model/faults.js';
import { parseDefinition } from '../../src/model/parse.js';
import { describeCondition } from '../../src/segments/describe-condition.js';
import { countSegment, planMembers, planTargetOf } from '../../src/segments/evaluate.js';
import { storeSalesStatuses } from '../../src/segments/sales-statuses.js';
import { readSettings } from '../../src/segments/settings.js';
import { SegmentStore } from '../../src/segments/store.js';
import { ReferenceEvaluator } from '../reference/evaluate.js';
import type { Dataset, PurchaseRow } from '../reference/model.js';
import { loadDataset, randomDataset } from '../reference/random-data.js';
import { definition } from '../reference/random-definitions.js';

const asOf = parseLocalDate('2025-03-31')!;
const enumValue = (field: string, v: string) => {
  const info = lookupField(field);
  return info?.type === 'enum' ? canonicalEnumValue(info.column!, v) ?? v : v;
};

const line = (order_id: string, customer_id: string, ordered_at: string, extra: Partial<PurchaseRow> = {}): PurchaseRow => ({
  order_id, line_no: 1, customer_id, ordered_at, store_id: '100', shipped_at: null, product_code: 'P1', category: null, quantity: 1, amount: 1000,
  order_code: null, media: null, status: null, counted: true, remark: null, groups: {}, ...extra,
});

/**
 * C1: O1 2024-01-01 store 100, google, 完了, remark "のし", shipped 2024-01-03; O2 2024-05-01 store 200,
 *     no media, 発送済, P2, shipped 2024-05-10.
 * C2: O3 2024-03-01 store 200, media "" , 完了, remark "ギフト ﾉｼ付き"; O4 2024-06-01 store 100, キャンセル (cancelled).
 * C3: O5 and O6 both 2024-02-01 12:00: O6 (the larger id) is the later. O5 store 100, line, ＯＫ; O6 store 200, no
 *     media, status 未対応, order code A0500.
 * C4: no orders.
 */
const shop: Dataset = {
  customers: ['C1', 'C2', 'C3', 'C4'].map((customer_id) => ({ customer_id, tags: null })),
  attributes: new Map(),
  products: [],
  mails: [],
  events: [],
  purchases: [
    line('O1', 'C1', '2024-01-01 10:00:00', { media: 'google', status: '完了', remark: 'のし', shipped_at: '2024-01-03 09:00:00' }),
    line('O2', 'C1', '2024-05-01 10:00:00', { store_id: '200', status: '発送済', product_code: 'P2', shipped_at: '2024-05-10 09:00:00' }),
    line('O3', 'C2', '2024-03-01 10:00:00', { store_id: '200', media: '', status: '完了', remark: 'ギフト ﾉｼ付き' }),
    line('O4', 'C2', '2024-06-01 10:00:00', { status: 'cancelled' }),
    line('O5', 'C3', '2024-02-01 12:00:00', { media: 'line', status: 'ＯＫ' }),
    line('O6', 'C3', '2024-02-01 12:00:00', { store_id: '200', status: '未対応', order_code: 'A0500' }),
  ],
};

describe('lastOrder / firstOrder, statuses, remarks and shipWindow on a hand-made shop', () => {
  let db: DuckDBEngine;
  let store: SegmentStore;
  const members = async (where: unknown) =>
    (await db.query<{ customer_id: string }>(planMembers({ version: 1, where }, store, asOf, await planTargetOf(db)))).map((r) => r.customer_id).sort();
  beforeAll(async () => {
    db = await DuckDBEngine.open(':memory:');
    await loadDataset(db, shop);
    store = await SegmentStore.load(db);
  });
  afterAll(() => db.close());

  it('tests the latest and the first order in scope, ties to the larger order_id', async () => {
    // Latest orders: C1 O2 (200), C2 O3 (200: O4 is cancelled), C3 O6 (200, tie with O5). First: O1, O3, O5.
    expect(await members({ kind: 'purchases', lastOrder: { stores: ['200'] } })).toEqual(['C1', 'C2', 'C3']);
    expect(await members({ kind: 'purchases', lastOrder: { stores: ['100'] } })).toEqual([]);
    expect(await members({ kind: 'purchases', firstOrder: { stores: ['100'] } })).toEqual(['C1', 'C3']);
    // "No AD code" (Ripist 初回ADコード無し): first orders without media are O3 ("") and nobody else; latest: O2, O3, O6.
    expect(await members({ kind: 'purchases', firstOrder: { media: [], mediaEmpty: true } })).toEqual(['C2']);
    expect(await members({ kind: 'purchases', lastOrder: { media: [], mediaEmpty: true } })).toEqual(['C1', 'C2', 'C3']);
    expect(await members({ kind: 'purchases', firstOrder: { media: ['google'], mediaEmpty: true } })).toEqual(['C1', 'C2']);
    expect(await members({ kind: 'purchases', lastOrder: { orderCodes: { min: 'A0001' } } })).toEqual(['C3']);
    expect(await members({ kind: 'purchases', lastOrder: { statuses: ['未対応'] } })).toEqual(['C3']);
    expect(await members({ kind: 'purchases', firstOrder: { remarkContains: 'ノシ' } })).toEqual(['C2']);
    // The scope decides which order is the latest: at store 100, C1's latest is O1 and C3's is O5.
    expect(await members({ kind: 'purchases', stores: ['100'], lastOrder: { remarkContains: 'のし' } })).toEqual(['C1']);
    // Every filter given must hold: C1's latest is at 200 but holds no P1.
    expect(await members({ kind: 'purchases', lastOrder: { stores: ['200'], products: ['P1'] } })).toEqual(['C2', 'C3']);
    expect(await members({ not: { kind: 'purchases', lastOrder: { stores: ['200'] } } })).toEqual(['C4']);
  });

  it('scopes by status (the listed statuses replace the sales basis), by ship date and by remark', async () => {
    expect(await members({ kind: 'purchases', statuses: ['発送済', '未対応'], orderCount: { min: 1 } })).toEqual(['C1', 'C3']);
    // Statuses compare as stored: ＯＫ is not OK (the importer keeps it as written).
    expect(await members({ kind: 'purchases', statuses: [' ＯＫ '], orderCount: { min: 1 } })).toEqual(['C3']);
    expect(await members({ kind: 'purchases', statuses: ['OK'], orderCount: { min: 1 } })).toEqual([]);
    // A cancelled order is found when asked for by a spelling of cancelled.
    expect(await members({ kind: 'purchases', statuses: ['キャンセル'], orderCount: { min: 1 } })).toEqual(['C2']);
    // Ordered in 2024 and shipped in May 2024: only O2; a line never shipped is never in a ship window.
    const both = { window: { from: '2024-01-01', to: '2024-12-31' }, shipWindow: { from: '2024-05-01', to: '2024-05-31' } };
    expect(await members({ kind: 'purchases', ...both, orderCount: { min: 1 } })).toEqual(['C1']);
    expect(await members({ kind: 'purchases', shipWindow: {}, orderCount: { max: 0 } })).toEqual(['C2', 'C3', 'C4']);
    // Remarks: folded (ﾉｼ is ノシ, not のし); a row with products and a remark needs both on one line.
    expect(await members({ kind: 'purchases', products: [{ remarkContains: 'のし', count: { min: 1 } }] })).toEqual(['C1']);
    expect(await members({ kind: 'purchases', products: [{ remarkContains: 'ノシ', count: { min: 1 } }] })).toEqual(['C2']);
    expect(await members({ kind: 'purchases', products: [{ products: ['P2'], remarkContains: 'のし', count: { min: 1 } }] })).toEqual([]);
    expect(await members({ kind: 'purchases', products: [{ products: ['P1'], remarkContains: 'のし', count: { max: 0 } }] })).toEqual(['C2', 'C3', 'C4']);
  });

  it('warns of a status, store or product no line has, and describes the new fields in words', async () => {
    const definition = { version: 1, where: { not: { kind: 'purchases', statuses: ['発送済み'], lastOrder: { stores: ['300'], products: ['P1'] }, firstOrder: { groups: { 管理: ['VIP'] } }, orderCount: { min: 1 } } } };
    const { warnings } = await countSegment(db, definition, store, asOf);
    expect(warnings.map((w) => `${w.code} ${w.path}`).sort()).toEqual([
      'unknown-store where.not.lastOrder.stores[0]', 'value-never-occurs where.not.firstOrder.groups["管理"][0]', 'value-never-occurs where.not.statuses[0]',
    ]);
    const leaf = parseDefinition({ where: { kind: 'purchases', shipWindow: { from: '2024-05-01' }, firstOrder: { media: [], mediaEmpty: true, remarkContains: 'のし' },
      products: [{ categories: ['化粧品'], remarkContains: 'ギフト', count: { min: 1 } }] } }, { asOf }).where;
    expect(describeCondition(leaf)).toBe('purchases: shipped 2024-05-01~, first order no media, remark containing "のし", category "化粧品" with remark containing "ギフト" 1~ orders');
  });

  it('follows the shop sales statuses in lifetime and scoped figures, and goes back when unset', async () => {
    await storeSalesStatuses(db, ['完了']);
    expect((await readSettings(db)).salesStatuses).toEqual(['完了']);
    // Only O1 and O3 are sales now: C1's latest order is O1 (store 100), C3 has none.
    expect(await members({ kind: 'purchases', orderCount: { min: 1 } })).toEqual(['C1', 'C2']);
    expect(await members({ kind: 'purchases', lastOrder: { stores: ['100'] } })).toEqual(['C1']);
    expect(await members({ kind: 'purchases', window: { from: '2024-01-01' }, sales: { min: 1000, max: 1000 } })).toEqual(['C1', 'C2']);
    expect(await members({ kind: 'purchases', products: [{ products: ['P2'], count: { min: 1 } }] })).toEqual([]);
    const summary = await db.query<{ customer_id: string; order_count: bigint }>({ sql: 'SELECT customer_id, order_count FROM customer_summary ORDER BY 1', parameters: [] });
    expect(summary.map((r) => [r.customer_id, Number(r.order_count)])).toEqual([['C1', 1], ['C2', 1]]);
    await storeSalesStatuses(db, []);
    expect((await readSettings(db)).salesStatuses).toBeUndefined();
    expect(await members({ kind: 'purchases', orderCount: { min: 2 } })).toEqual(['C1', 'C3']);
  });
});

describe('faults of the new purchases fields', () => {
  const faults = (where: unknown) => {
    try {
      parseDefinition({ version: 1, where }, { asOf });
      return [];
    } catch (e) {
      return (e as DefinitionError).faults.map((f) => `${f.code} ${f.path}`);
    }
  };
  it('names the code and the path', () => {
    expect(faults({ kind: 'purchases', lastOrder: {} })).toEqual(['missing-property where.lastOrder']);
    expect(faults({ kind: 'purchases', firstOrder: { media: [] } })).toEqual(['empty-list where.firstOrder.media']);
    expect(faults({ kind: 'purchases', lastOrder: { store: ['100'] } })).toEqual(['unknown-property where.lastOrder.store', 'missing-property where.lastOrder']);
    expect(faults({ kind: 'purchases', products: [{ remarkContains: ' ', count: { min: 1 } }] })).toEqual(['missing-operand where.products[0].remarkContains']);
    expect(faults({ kind: 'purchases', statuses: [], orderCount: { min: 1 } })).toEqual(['empty-list where.statuses']);
    expect(faults({ kind: 'purchases', shipWindow: { from: '2024-02-01', to: '2024-01-01' }, orderCount: { min: 1 } })).toEqual(['date-order where.shipWindow']);
    expect(faults({ kind: 'purchases', statuses: ['完了'] })).toEqual(['needs-a-figure where']);
    expect(faults({ kind: 'purchases', lastOrder: { mediaEmpty: true }, firstOrder: { media: [], mediaEmpty: true } })).toEqual([]);
  });
});

describe('planner = reference evaluator under a sales-statuses setting', () => {
  let db: DuckDBEngine;
  let store: SegmentStore;
  let reference: ReferenceEvaluator;
  beforeAll(async () => {
    db = await DuckDBEngine.open(':memory:');
    const data = randomDataset(21, { customers: 50, orders: 140, events: 60 });
    await loadDataset(db, data);
    store = await SegmentStore.load(db);
    await store.save('saved-vip', { where: { kind: 'tags', tags: ['vip'] } }, asOf);
    await storeSalesStatuses(db, ['完了', 'キャンセル']);
    reference = new ReferenceEvaluator(data, new Map([['saved-vip', { where: { kind: 'tags', tags: ['vip'] } }]]), enumValue);
    reference.salesStatuses = ['完了', 'キャンセル'];
  });
  afterAll(() => db.close());

  it('gives the same customers for 120 random definitions', async () => {
    const target = await planTargetOf(db);
    await fc.assert(fc.asyncProperty(definition, async (def) => {
      let plan;
      try {
        plan = planMembers(def, store, asOf, target);
      } catch (e) {
        expect((e as Error).message).toMatch(/is after/);
        return;
      }
      const got = (await db.query<{ customer_id: string }>(plan)).map((r) => r.customer_id).sort();
      expect(got).toEqual([...reference.members(def, asOf)].sort());
    }), { numRuns: 120, seed: 21 });
  });
});
