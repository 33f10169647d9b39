import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { planMembers, planTargetOf } from '../../src/segments/evaluate.js';
import { SegmentStore } from '../../src/segments/store.js';
import { whyCustomer, type WhyNode } from '../../src/segments/why.js';
import { ReferenceEvaluator } from '../reference/evaluate.js';
import { openReferenceShop, savedVip } from '../reference/shop.js';
import { type DatasetShape } from '../reference/random-data.js';
import { rfmScores, type Scores } from '../reference/rfm.js';
import { definition } from '../reference/random-definitions.js';


/** The node of a definition as written at a path `why` reports (`where.all[1].not`). */
function nodeAt(def: { where?: unknown }, path: string): unknown {
  let node: any = def.where ?? { all: [] };
  for (const [, group, index] of path.slice('where'.length).matchAll(/\.(all|any)\[(\d+)\]|\.not/g)) {
    node = group === undefined ? node.not : node[group][Number(index)];
  }
  return node;
}

const scenarios: Array<{ name: string; seed: number; shape: DatasetShape; asOf: string; runs: number }> = [
  { name: 'a typical shop', seed: 21, shape: { customers: 40, orders: 120, events: 150 }, asOf: '2025-03-31', runs: 60 },
  { name: 'empty purchase, product and mail-event tables', seed: 22, shape: { customers: 20, orders: 0, events: 0, emptyPurchases: true, emptyEvents: true, emptyProducts: true }, asOf: '2025-01-15', runs: 25 },
];

for (const scenario of scenarios) {
  describe(`why = reference evaluator node by node: ${scenario.name}`, () => {
    let db: DuckDBEngine;
    let store: SegmentStore;
    let reference: ReferenceEvaluator;
    let ids: string[];
    let scores: Map<string, Scores>;
    const asOf = parseLocalDate(scenario.asOf)!;
    beforeAll(async () => {
      const shop = await openReferenceShop(scenario.seed, scenario.shape, { asOf, saved: { 'saved-vip': savedVip } });
      ({ db, store, reference } = shop);
      const { data } = shop;
      ids = data.customers.map((c) => c.customer_id);
      scores = rfmScores(data, asOf);
    });
    afterAll(() => db.close());

    it(`gives every node's truth value, and in = member of the count, for sampled customers of ${scenario.runs} random definitions`, async () => {
      const picks = fc.array(fc.nat(), { minLength: 1, maxLength: 3 });
      await fc.assert(
        fc.asyncProperty(definition, picks, async (def, picked) => {
          let plan;
          try {
            plan = planMembers(def, store, asOf, await planTargetOf(db));
          } catch (e) {
            expect((e as Error).message).toMatch(/is after/); // refused as in the planner property test
            return;
          }
          const counted = new Set((await db.query<{ customer_id: string }>(plan)).map((r) => r.customer_id));
          const written = def as { where?: unknown; includeDeleted?: boolean };
          for (const customerId of picked.map((i) => ids[i % ids.length]!)) {
            const why = await whyCustomer(db, def, store, asOf, customerId);
            expect(why.in, customerId).toBe(counted.has(customerId));
            expect(why.in).toBe(reference.members(def, asOf).has(customerId));
            expect(why.nodes[0]?.path).toBe('where');
            // A saved segment's own nodes (paths within its definition) are checked against that definition.
            const check = (nodes: readonly WhyNode[], within: { where?: unknown }) => {
              for (const node of nodes) {
                const want = reference.nodeMembers(nodeAt(within, node.path), asOf, true).has(customerId);
                expect(node.holds, `${customerId} ${node.path} ${JSON.stringify(within)}`).toBe(want);
                // An rfm leaf shows the customer's scores: the reference's quintiles, none without a counted order.
                if (node.kind === 'rfm') expect(node.figures).toEqual(scores.get(customerId) ?? { r: null, f: null, m: null });
                if (node.kind === 'segment') check(node.figures.nodes as WhyNode[], savedVip);
              }
            };
            check(why.nodes, written);
          }
        }),
        { numRuns: scenario.runs, seed: scenario.seed },
      );
    }, 60_000);
  });
}
