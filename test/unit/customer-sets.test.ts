import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf } from '../../src/dialect/registry.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { CustomerBitmap } from '../../src/segments/bitmap.js';
import { CustomerSets, countWithSets as countOrUndefined, SET_LEAVES_AT_MOST } from '../../src/segments/customer-sets.js';
import { countSegment, schemaInfo } from '../../src/segments/evaluate.js';
import { SegmentStore } from '../../src/segments/store.js';
import { ReferenceEvaluator } from '../reference/evaluate.js';
import { openReferenceShop, savedVip } from '../reference/shop.js';
import { loadDataset, randomDataset, type DatasetShape } from '../reference/random-data.js';
import { definition } from '../reference/random-definitions.js';

import { openWorkspace } from '../../src/index.js';

/** A count by the sets, which every definition here is narrow enough for. */
async function countWithSets(...args: Parameters<typeof countOrUndefined>) {
  const counted = await countOrUndefined(...args);
  if (!counted) throw new Error('not counted by the sets');
  return counted;
}

const scenarios: Array<{ name: string; seed: number; shape: DatasetShape; asOf: string; runs: number }> = [
  { name: 'a typical shop', seed: 21, shape: { customers: 60, orders: 160, events: 200 }, asOf: '2025-03-31', runs: 200 },
  { name: 'empty purchase, product and mail-event tables', seed: 23, shape: { customers: 40, orders: 0, events: 0, emptyPurchases: true, emptyEvents: true, emptyProducts: true }, asOf: '2025-01-15', runs: 80 },
];

for (const scenario of scenarios) {
  describe(`interactive counts (customer sets) = reference evaluator: ${scenario.name}`, () => {
    let db: DuckDBEngine;
    let store: SegmentStore;
    let reference: ReferenceEvaluator;
    let sets: CustomerSets;
    const asOf = parseLocalDate(scenario.asOf)!;
    beforeAll(async () => {
      const shop = await openReferenceShop(scenario.seed, scenario.shape, { asOf, saved: { 'saved-vip': savedVip } });
      ({ db, store, reference } = shop);
      sets = new CustomerSets(db, dialectOf(db), () => schemaInfo(db));
    });
    afterAll(() => db.close());

    // One cache over all runs: later definitions reuse the sets of earlier leaves.
    it(`counts ${scenario.runs} random definitions as the reference and the planner do`, async () => {
      await fc.assert(
        fc.asyncProperty(definition, async (def) => {
          let counted;
          try {
            counted = await countWithSets(sets, def, store.lookup, asOf);
          } catch (e) {
            expect((e as Error).message).toMatch(/is after/);
            return;
          }
          expect(counted.count, JSON.stringify(def)).toBe(reference.members(def, asOf).size);
          const planned = await countSegment(db, def, store, asOf);
          expect(counted.reachable, JSON.stringify(def)).toEqual(planned.reachable);
        }),
        { numRuns: scenario.runs, seed: scenario.seed },
      );
    });

    // Lifetime leaves the sets answer from their copy of customer_summary (summary-rows.ts),
    // each figure and both open windows, which random definitions seldom give alone.
    it('counts each lifetime figure and an order window open at either end as the reference does', async () => {
      const leaves = [
        { kind: 'purchases', orderCount: { min: 2 } },
        { kind: 'purchases', sales: { min: 5000 } },
        { kind: 'purchases', firstOrderedAt: { from: '2024-01-01' } },
        { kind: 'purchases', lastOrderedAt: { to: '2024-12-31' } },
        { kind: 'purchases', lastShippedAt: { from: '2024-06-01' } },
        { kind: 'purchases', window: { from: 'today-180d' }, orderCount: { min: 1 } },
        { kind: 'purchases', window: { from: 'today-180d' }, orderCount: { min: 0, max: 0 } },
        { kind: 'purchases', window: { to: '2024-06-30' }, orderCount: { min: 1 } },
      ];
      for (const where of leaves) {
        const def = { where };
        expect((await countWithSets(sets, def, store.lookup, asOf)).count, JSON.stringify(def)).toBe(reference.members(def, asOf).size);
      }
    });
  });
}

describe('interactive counts reuse what did not change', () => {
  it('evaluates only the changed condition, and starts over after an import', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      const data = randomDataset(5, { customers: 50, orders: 120, events: 100 });
      await loadDataset(db, data);
      const store = await SegmentStore.load(db);
      const asOf = parseLocalDate('2025-03-31')!;
      const sets = new CustomerSets(db, dialectOf(db), () => schemaInfo(db));
      const base = [{ kind: 'purchases', orderCount: { min: 1 } }, { kind: 'reachable', channel: 'email' }, { not: { kind: 'tags', tags: ['vip'] } }];
      // Three leaves, and the base sets: everyone, the visible (not deleted), each channel's reachable.
      const first = await countWithSets(sets, { where: { all: base } }, store.lookup, asOf);
      expect(first.evaluated).toBe(3 + 5);
      const changed = await countWithSets(sets, { where: { all: [{ kind: 'purchases', orderCount: { min: 2 } }, ...base.slice(1)] } }, store.lookup, asOf);
      expect(changed.evaluated).toBe(1);
      const again = await countWithSets(sets, { where: { all: base } }, store.lookup, asOf);
      expect(again.evaluated).toBe(0);
      expect(again.count).toBe(first.count);
      // An import (a row in imports) means the data may have changed: every set is made again.
      await db.run(`INSERT INTO imports (table_name, mode, files, started_at, finished_at, duration_ms, outcome) VALUES ('customers', 'upsert', ['x.csv'], now(), now(), 1, 'ok')`);
      const afterImport = await countWithSets(sets, { where: { all: base } }, store.lookup, asOf);
      expect(afterImport.evaluated).toBe(3 + 5);
      // Deleted rows leave gaps in the positions: a complement must not count them.
      await db.run(`DELETE FROM customers WHERE customer_id IN (SELECT customer_id FROM customers ORDER BY customer_id LIMIT 7 OFFSET 3)`);
      for (const where of [{ not: { kind: 'tags', tags: ['vip'] } }, { any: [] }, { not: { any: [] } }, { not: { kind: 'reachable', channel: 'email' } }]) {
        const viaSets = await countWithSets(sets, { where }, store.lookup, asOf);
        const whole = await countSegment(db, { where }, store, asOf);
        expect({ count: viaSets.count, reachable: viaSets.reachable }, JSON.stringify(where)).toEqual({ count: whole.count, reachable: whole.reachable });
      }
    } finally {
      db.close();
    }
  });
});

describe('interactive warnings follow the data', () => {
  it('warns of lines whose customer is gone once the data changed, for a leaf counted before and a new one', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      await loadDataset(db, randomDataset(7, { customers: 40, orders: 100, events: 50 }));
      await db.run(`DELETE FROM purchases WHERE customer_id NOT IN (SELECT customer_id FROM customers)`);
      const store = await SegmentStore.load(db);
      const asOf = parseLocalDate('2025-03-31')!;
      const sets = new CustomerSets(db, dialectOf(db), () => schemaInfo(db));
      const codes = async (orderCount: number) =>
        (await countWithSets(sets, { where: { kind: 'purchases', orderCount: { min: orderCount } } }, store.lookup, asOf)).warnings.map((w) => w.code);
      expect(await codes(1)).toEqual([]);
      expect(await codes(2)).toEqual([]);
      // A buyer leaves the customers table (a new import): their lines count for no one.
      await db.run(`DELETE FROM customers WHERE customer_id IN (SELECT customer_id FROM purchases ORDER BY customer_id LIMIT 1)`);
      await db.run(`INSERT INTO imports (table_name, mode, files, started_at, finished_at, duration_ms, outcome) VALUES ('customers', 'replace', ['x.csv'], now(), now(), 1, 'ok')`);
      expect(await codes(1)).toEqual(['customers-missing']);
      expect(await codes(3)).toEqual(['customers-missing']);
    } finally {
      db.close();
    }
  });
});

describe('a customer set read from the engine', () => {
  it('has bit i for position i, whatever the padding of the engine\'s bitstring', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      const dialect = dialectOf(db);
      for (const size of [1, 2, 7, 8, 9, 15, 16, 17, 63, 100]) {
        const positions = [...new Set([0, size - 1, Math.floor(size / 3), Math.floor(size / 2)])].filter((p) => p < size);
        const [row] = await db.query<{ bits: unknown }>({
          sql: `SELECT COALESCE(bitstring_agg(x, 0, ${size - 1}), bitstring('0', ${size})) AS bits FROM unnest($1::INTEGER[]) AS t(x)`,
          parameters: [positions],
        });
        const bytes = dialect.readCustomerSet(row!.bits, size);
        const set = CustomerBitmap.of(size, bytes);
        const got = Array.from({ length: size }, (_, i) => i).filter((i) => ((bytes[i >> 3]! >> (7 - (i & 7))) & 1) === 1);
        expect(got, `size ${size}`).toEqual([...positions].sort((a, b) => a - b));
        expect(set.count()).toBe(positions.length);
        expect(CustomerBitmap.of(size, new Uint8Array(Math.ceil(size / 8)).fill(0xff)).andNot(set).count()).toBe(size - positions.length);
      }
    } finally {
      db.close();
    }
  });
});

describe('a definition too wide for the sets', () => {
  it(`is counted whole (more than ${SET_LEAVES_AT_MOST} distinct leaves), with the same count and warnings as a one-shot count`, async () => {
    const { db, store } = await openReferenceShop(21, { customers: 60, orders: 160, events: 200 }, { asOf: parseLocalDate('2025-03-31')!, saved: { 'saved-vip': savedVip } });
    const asOf = parseLocalDate('2025-03-31')!;
    try {
      const sets = new CustomerSets(db, dialectOf(db), () => schemaInfo(db));
      const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ kind: 'field', field: 'customer_id', op: 'eq', value: `C${i}` }));
      expect((await countOrUndefined(sets, { where: { any: ids(SET_LEAVES_AT_MOST) } }, store.lookup, asOf))?.evaluated).toBeGreaterThan(0);
      expect(await countOrUndefined(sets, { where: { any: ids(SET_LEAVES_AT_MOST + 1) } }, store.lookup, asOf)).toBeUndefined();
      // The same leaf twice is one set.
      expect(await countOrUndefined(sets, { where: { any: [...ids(SET_LEAVES_AT_MOST), ...ids(SET_LEAVES_AT_MOST)] } }, store.lookup, asOf)).toBeDefined();
    } finally {
      db.close();
    }
  });

  it('through an interactive workspace: the count, reachable figures, warnings and condition counts are a one-shot count\'s', async () => {
    const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;
    const open = (interactive: boolean) => openWorkspace({ db: ':memory:', interactive });
    const [oneShot, interactive] = [await open(false), await open(true)];
    try {
      for (const shop of [oneShot, interactive]) {
        for (const [table, file] of [['customers', 'customers'], ['purchases', 'purchases']] as const) await shop.import({ table, files: [`${SHOP}${file}.csv`] });
      }
      const values = Array.from({ length: 200 }, (_, i) => String(i).padStart(3, '0'));
      const definition = { where: { any: values.map((value) => ({ kind: 'field', field: 'customer_id', op: 'eq', value })) } };
      const [want, got] = [await oneShot.count({ definition }, { asOf: '2025-03-31' }), await interactive.count({ definition }, { asOf: '2025-03-31' })];
      expect(got.count).toBeGreaterThan(0);
      expect({ ...got, elapsedMs: 0 }).toEqual({ ...want, elapsedMs: 0 });
      const [wantNodes, gotNodes] = [await oneShot.conditionCounts({ definition }, { asOf: '2025-03-31' }), await interactive.conditionCounts({ definition }, { asOf: '2025-03-31' })];
      expect({ ...gotNodes, elapsedMs: 0 }).toEqual({ ...wantNodes, elapsedMs: 0 });
    } finally {
      await oneShot.close();
      await interactive.close();
    }
  });
});
