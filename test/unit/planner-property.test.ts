import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { canonicalEnumValue, lookupField } from '../../src/model/fields.js';
import { countSegment, planMembers, schemaInfo } from '../../src/segments/evaluate.js';
import { SegmentStore } from '../../src/segments/store.js';
import { ReferenceEvaluator } from '../reference/evaluate.js';
import { loadDataset, randomDataset, type DatasetShape } from '../reference/random-data.js';
import { definition } from '../reference/random-definitions.js';

const savedVip = { version: 1, where: { any: [{ kind: 'tags', tags: ['vip'] }, { kind: 'purchases', sales: { min: 5000 } }] } };
const enumValue = (field: string, v: string) => {
  const info = lookupField(field);
  return info?.type === 'enum' ? canonicalEnumValue(info.column!, v) ?? v : v;
};

const scenarios: Array<{ name: string; seed: number; shape: DatasetShape; asOf: string; runs: number; dictionary?: boolean }> = [
  { name: 'a typical shop', seed: 1, shape: { customers: 60, orders: 160, events: 200 }, asOf: '2025-03-31', runs: 250 },
  { name: 'a leap-day as-of, text folded row by row (no value dictionary)', seed: 2, shape: { customers: 50, orders: 120, events: 150 }, asOf: '2024-02-29', runs: 200, dictionary: false },
  { name: 'empty purchase, product and mail-event tables', seed: 3, shape: { customers: 40, orders: 0, events: 0, emptyPurchases: true, emptyEvents: true, emptyProducts: true }, asOf: '2025-01-15', runs: 120 },
];

for (const scenario of scenarios) {
  describe(`planner = reference evaluator on random definitions: ${scenario.name}`, () => {
    let db: Database;
    let store: SegmentStore;
    let reference: ReferenceEvaluator;
    const asOf = parseLocalDate(scenario.asOf)!;
    beforeAll(async () => {
      db = await Database.open(':memory:');
      const data = randomDataset(scenario.seed, scenario.shape);
      await loadDataset(db, data, { dictionary: scenario.dictionary });
      store = await SegmentStore.load(db);
      await store.save('saved-vip', savedVip, asOf);
      reference = new ReferenceEvaluator(data, new Map([['saved-vip', savedVip]]), enumValue);
    });
    afterAll(() => db.close());

    it(`gives the same customers for ${scenario.runs} random definitions`, async () => {
      await fc.assert(
        fc.asyncProperty(definition, async (def) => {
          let plan;
          try {
            plan = planMembers(def, store, asOf, await schemaInfo(db));
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
