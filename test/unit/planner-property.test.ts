import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { countSegment, planMembers, planTargetOf, schemaInfo } from '../../src/segments/evaluate.js';
import { SegmentStore } from '../../src/segments/store.js';
import { ReferenceEvaluator } from '../reference/evaluate.js';
import { enumValue, openReferenceShop, savedVip } from '../reference/shop.js';
import { loadDataset, randomDataset, type DatasetShape } from '../reference/random-data.js';
import { definition, manyEqualities } from '../reference/random-definitions.js';


const scenarios: Array<{ name: string; seed: number; shape: DatasetShape; asOf: string; runs: number; dictionary?: boolean }> = [
  { name: 'a typical shop', seed: 1, shape: { customers: 60, orders: 160, events: 200 }, asOf: '2025-03-31', runs: 250 },
  { name: 'a leap-day as-of, text folded row by row (no value dictionary)', seed: 2, shape: { customers: 50, orders: 120, events: 150 }, asOf: '2024-02-29', runs: 200, dictionary: false },
  { name: 'empty purchase, product and mail-event tables', seed: 3, shape: { customers: 40, orders: 0, events: 0, emptyPurchases: true, emptyEvents: true, emptyProducts: true }, asOf: '2025-01-15', runs: 120 },
];

for (const scenario of scenarios) {
  describe(`planner = reference evaluator on random definitions: ${scenario.name}`, () => {
    let db: DuckDBEngine;
    let store: SegmentStore;
    let reference: ReferenceEvaluator;
    const asOf = parseLocalDate(scenario.asOf)!;
    beforeAll(async () => {
      const shop = await openReferenceShop(scenario.seed, scenario.shape, { asOf, saved: { 'saved-vip': savedVip }, dictionary: scenario.dictionary });
      ({ db, store, reference } = shop);
    });
    afterAll(() => db.close());

    it(`gives the same customers for ${scenario.runs} random definitions`, async () => {
      await fc.assert(
        fc.asyncProperty(definition, async (def) => {
          let plan;
          try {
            plan = planMembers(def, store, asOf, await planTargetOf(db));
          } catch (e) {
            // A range that is empty on every day (from today to today-2y) is refused, not evaluated.
            expect((e as Error).message).toMatch(/is after/);
            return;
          }
          const rows = await db.query<{ customer_id: string }>(plan);
          const got = rows.map((r) => r.customer_id).sort();
          const want = [...reference.members(def, asOf)].sort();
          expect(got).toEqual(want);
          const counted = await countSegment(db, def, store, asOf);
          expect(counted.count).toBe(want.length);
        }),
        { numRuns: scenario.runs, seed: scenario.seed },
      );
    });
  });
}

describe('planner = reference evaluator on an `any` of many equalities of one field (joined into one IN)', () => {
  it('gives the same customers and counts', async () => {
    const asOf = parseLocalDate('2025-03-31')!;
    const { db, store, reference } = await openReferenceShop(4, { customers: 60, orders: 40, events: 20 }, { asOf, saved: { 'saved-vip': savedVip } });
    try {
      await fc.assert(fc.asyncProperty(manyEqualities, async (def) => {
        let plan;
        try {
          plan = planMembers(def, store, asOf, await planTargetOf(db));
        } catch (e) {
          expect((e as Error).message).toMatch(/is after/); // a range empty on every day is refused
          return;
        }
        const want = [...reference.members(def, asOf)].sort();
        const rows = await db.query<{ customer_id: string }>(plan);
        expect(rows.map((r) => r.customer_id).sort()).toEqual(want);
        expect((await countSegment(db, def, store, asOf)).count).toBe(want.length);
      }), { numRuns: 60, seed: 4 });
    } finally {
      await db.close();
    }
  });
});

/**
 * The summary paths of the planner (customer_products / customer_categories for lifetime product
 * rows, customer_summary.last_line_at for windows open at one end), each on its own, against the
 * reference evaluator: random definitions reach them only now and then.
 */
describe('planner = reference evaluator on the conditions the purchase summaries answer', () => {
  let db: DuckDBEngine;
  let store: SegmentStore;
  let reference: ReferenceEvaluator;
  const asOf = parseLocalDate('2025-03-31')!;
  beforeAll(async () => {
    db = await DuckDBEngine.open(':memory:');
    const data = randomDataset(11, { customers: 80, orders: 400, events: 10 });
    await loadDataset(db, data);
    store = await SegmentStore.load(db);
    reference = new ReferenceEvaluator(data, new Map(), enumValue);
  });
  afterAll(() => db.close());

  const rows = [
    ...[1, 2, 3].flatMap((n) => [{ min: n }, { min: n, max: n }, { max: n }]).flatMap((count) => [
      { products: ['P1'], count }, { products: ['P2'], count, unit: 'quantity' }, { categories: ['化粧品'], count },
      { categories: ['スキンケア', 'サプリ'], count, unit: 'quantity' }, { products: ['P1', 'P3'], count, unit: 'quantity' },
      { products: ['P1', 'P3'], count }, { products: ['P4'], categories: ['サプリ'], count },
      // orders of several products / categories: bounded by the summaries, undecided ones from the lines
      { categories: ['スキンケア', 'サプリ'], count }, { products: ['P1', 'P2', 'P3'], count },
      { products: ['P1', 'P3'], categories: ['サプリ'], count },
    ]),
    { products: ['P1', 'P3'], count: { min: 2, max: 4 } }, { products: ['P1', 'P2', 'P3'], categories: ['化粧品'], count: { min: 1, max: 3 } },
    { products: ['P1', 'P2'], count: { min: 0, max: 0 } }, { products: ['P5'], categories: ['化粧品'], count: { min: 1 } },
    { categories: ['サプリ', '化粧品'], count: { min: 0, max: 0 } },
  ];
  const windows = [{ from: '2024-06-01' }, { from: 'today-90d' }, { to: '2023-12-31' }, { to: 'today-1y' }, { from: '2024-01-01', to: '2024-06-30' }];
  const definitions = [
    ...rows.map((row) => ({ where: { kind: 'purchases', products: [row] } })),
    ...windows.flatMap((window) => [{ min: 1 }, { min: 0, max: 0 }].map((orderCount) => ({ where: { kind: 'purchases', window, orderCount } }))),
  ];

  it('counts orders of several products or categories from the summaries, the lines only for customers their bounds leave undecided', async () => {
    const target = { ...(await planTargetOf(db)), schema: await schemaInfo(db) };
    for (const [row, table] of [[{ products: ['P1', 'P3'], count: { min: 2 } }, 'customer_products'], [{ categories: ['スキンケア', 'サプリ'], count: { max: 1 } }, 'customer_categories']] as const) {
      const plan = planMembers({ where: { kind: 'purchases', products: [row] } }, store, asOf, target).sql;
      expect(plan).toContain(`"${table}"`);
      expect(plan).toMatch(/FROM purchases p[\s\S]*customer_id IN \(SELECT b\.customer_id FROM/);
    }
    // Products' rows name their one order: a customer who bought each of them once is counted there.
    expect(target.schema.productOrderIds).toBe(true);
    const products = planMembers({ where: { kind: 'purchases', products: [{ products: ['P1', 'P3'], count: { min: 2 } }] } }, store, asOf, target).sql;
    expect(products).toContain('count(DISTINCT o)');
    expect(products).toContain('s.only_order_id');
  });

  it('counts customers who bought each product in one order from the order ids as the lines do; a database without the mark reads no ids', async () => {
    const schema = await schemaInfo(db);
    const [undecided] = await db.all<{ n: bigint; exact: bigint }>(`SELECT count(*) AS n, count(*) FILTER (WHERE n = 1) AS exact FROM (
      SELECT customer_id, max(order_count) AS lo, sum(order_count) AS hi, count(DISTINCT only_order_id) AS n FROM customer_products
      WHERE product_code IN ('P1', 'P3') GROUP BY customer_id HAVING max(order_count) = 1 AND sum(order_count) >= 2)`);
    // The shop has such customers, some of whose two products are in one order: the case the ids decide.
    expect(undecided!.n).toBeGreaterThan(0n);
    expect(undecided!.exact).toBeGreaterThan(0n);
    const definition = { where: { kind: 'purchases', products: [{ products: ['P1', 'P3'], count: { min: 2 } }] } };
    for (const variant of [schema, { ...schema, productOrderIds: false }]) {
      const got = (await db.query<{ customer_id: string }>(planMembers(definition, store, asOf, { ...(await planTargetOf(db)), schema: variant }))).map((r) => r.customer_id).sort();
      expect(got).toEqual([...reference.members(definition, asOf)].sort());
    }
    // Made before the ids were kept (the column there, its values not): the mark gates them.
    await db.run(`DELETE FROM schema_info WHERE key = 'product_order_ids'`);
    try {
      const unmarked = await schemaInfo(db);
      expect(unmarked.productOrderIds).toBe(false);
      expect(planMembers(definition, store, asOf, { ...(await planTargetOf(db)), schema: unmarked }).sql).not.toContain('only_order_id');
    } finally {
      await db.run(`INSERT INTO schema_info VALUES ('product_order_ids', '1')`);
    }
  });

  it(`gives the same customers for ${definitions.length} definitions`, async () => {
    const schema = await schemaInfo(db);
    expect(schema.purchaseSummaries).toBe(true);
    for (const def of definitions) {
      const got = (await db.query<{ customer_id: string }>(planMembers(def, store, asOf, { ...(await planTargetOf(db)), schema }))).map((r) => r.customer_id).sort();
      expect(got, JSON.stringify(def)).toEqual([...reference.members(def, asOf)].sort());
    }
  });
});
