import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overlap } from '../../src/api/insights-counts.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { silentLogger } from '../../src/logger.js';
import { parseLocalDate } from '../../src/model/dates.js';
import { validateDefinition } from '../../src/model/validate.js';
import { compileConditionCounts } from '../../src/planner/compile-condition-counts.js';
import { countConditions, countConditionsWithSets } from '../../src/segments/condition-counts.js';
import { CustomerSets } from '../../src/segments/customer-sets.js';
import { dialectOf } from '../../src/dialect/registry.js';
import { planTargetOf, schemaInfo } from '../../src/segments/evaluate.js';
import { SegmentStore } from '../../src/segments/store.js';
import { ReferenceEvaluator } from '../reference/evaluate.js';
import { enumValue, openReferenceShop, savedVip } from '../reference/shop.js';
import { loadDataset, randomDataset, type DatasetShape } from '../reference/random-data.js';
import { definition } from '../reference/random-definitions.js';

type Json = any; // definitions as written
type Day = { y: number; m: number; d: number };


/**
 * Every node's expected figures, from the reference evaluator walking the definition as written:
 * alone = the node's customers among the base; cumulative (children of an `all`) = the customers
 * of the group's children up to this one, as an `all` of them.
 */
function expectedNodes(reference: ReferenceEvaluator, def: Json, asOf: Day): Array<{ path: string; alone: number; cumulative: number | null }> {
  const included = def.includeDeleted === true;
  const out: Array<{ path: string; alone: number; cumulative: number | null }> = [];
  const visit = (node: Json, path: string, upToHere?: Json[]) => {
    const cumulative = upToHere ? reference.nodeMembers({ all: upToHere }, asOf, included).size : null;
    out.push({ path, alone: reference.nodeMembers(node, asOf, included).size, cumulative });
    if ('all' in node) node.all.forEach((child: Json, i: number) => visit(child, `${path}.all[${i}]`, node.all.slice(0, i + 1)));
    else if ('any' in node) node.any.forEach((child: Json, i: number) => visit(child, `${path}.any[${i}]`));
    else if ('not' in node) visit(node.not, `${path}.not`);
  };
  visit(def.where ?? { all: [] }, 'where');
  return out;
}

const scenarios: Array<{ name: string; seed: number; shape: DatasetShape; asOf: string; runs: number }> = [
  { name: 'a typical shop', seed: 21, shape: { customers: 50, orders: 120, events: 150 }, asOf: '2025-03-31', runs: 120 },
  { name: 'empty purchase, product and mail-event tables', seed: 23, shape: { customers: 30, orders: 0, events: 0, emptyPurchases: true, emptyEvents: true, emptyProducts: true }, asOf: '2025-01-15', runs: 50 },
];

for (const scenario of scenarios) {
  describe(`per-condition counts = reference evaluator on random definitions: ${scenario.name}`, () => {
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

    it(`gives every node's alone and cumulative count for ${scenario.runs} random definitions`, async () => {
      await fc.assert(
        fc.asyncProperty(definition, async (def: Json) => {
          let counted;
          try {
            counted = await countConditions(db, def, store, asOf);
          } catch (e) {
            // A range that is empty on every day (from today to today-2y) is refused, not evaluated.
            expect((e as Error).message).toMatch(/is after/);
            return;
          }
          const got = counted.conditions.map(({ path, alone, cumulative }) => ({ path, alone, cumulative }));
          expect(got).toEqual(expectedNodes(reference, def, asOf));
          expect(counted.count).toBe(reference.members(def, asOf).size);
          expect(counted.conditions[0]!.alone).toBe(counted.count);
          // The web builder's path: the same figures from the sets kept between counts.
          const fromSets = (await countConditionsWithSets(sets, def, store.lookup, asOf))!; // random definitions are narrow
          expect(fromSets.conditions, JSON.stringify(def)).toEqual(counted.conditions);
          expect({ count: fromSets.count, reachable: fromSets.reachable }).toEqual({ count: counted.count, reachable: counted.reachable });
        }),
        { numRuns: scenario.runs, seed: scenario.seed },
      );
    });
  });
}

describe('per-condition counts of a long all', () => {
  it('are right, and the statement grows with the number of conditions, not with its square', async () => {
    const db = await DuckDBEngine.open(':memory:');
    try {
      const data = randomDataset(41, { customers: 40, orders: 0, events: 0, emptyPurchases: true, emptyEvents: true });
      await loadDataset(db, data);
      const store = await SegmentStore.load(db);
      const asOf = parseLocalDate('2025-03-31')!;
      const reference = new ReferenceEvaluator(data, new Map(), enumValue);
      const long = (n: number) => ({ version: 1, where: { all: Array.from({ length: n }, (_, i) => ({ kind: 'field', field: 'points', op: 'between', min: i * 10 })) } });
      const target = await planTargetOf(db);
      const size = (n: number) => compileConditionCounts(validateDefinition(long(n), { asOf, lookupSegment: store.lookup }), { ...target, asOf }).sql.length;
      expect(size(400) / size(100)).toBeLessThan(5);
      const counted = await countConditions(db, long(400), store, asOf);
      expect(counted.conditions.map(({ path, alone, cumulative }) => ({ path, alone, cumulative }))).toEqual(expectedNodes(reference, long(400), asOf));
    } finally {
      db.close();
    }
  });
});

describe('overlap of saved segments', () => {
  let db: DuckDBEngine;
  let store: SegmentStore;
  let reference: ReferenceEvaluator;
  let dir: string;
  const asOf = parseLocalDate('2025-03-31')!;
  const saved: Record<string, Json> = {
    'saved-vip': savedVip,
    buyers: { version: 1, where: { kind: 'purchases', orderCount: { min: 1 } } },
    'tokyo-incl-deleted': { version: 1, includeDeleted: true, where: { kind: 'field', field: 'prefecture', op: 'in', values: ['東京都', 'tokyo'] } },
    'not-buyers-email': { version: 1, where: { all: [{ not: { kind: 'segment', name: 'buyers' } }, { kind: 'reachable', channel: 'email' }] } },
  };
  beforeAll(async () => {
    db = await DuckDBEngine.open(':memory:');
    const data = randomDataset(31, { customers: 80, orders: 200, events: 50 });
    await loadDataset(db, data);
    store = await SegmentStore.load(db);
    for (const [name, def] of Object.entries(saved)) await store.save(name, def, asOf);
    reference = new ReferenceEvaluator(data, new Map(Object.entries(saved)), enumValue);
    dir = mkdtempSync(join(tmpdir(), 'kumiwake-overlap-'));
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the intersection of every pair, each segment with its own includeDeleted, and writes the CSV file', async () => {
    const names = Object.keys(saved);
    const out = join(dir, 'overlap.csv');
    const result = await overlap(db, store, names, asOf, { out }, silentLogger);
    const members = names.map((name) => reference.members(saved[name], asOf));
    const want = members.map((a) => members.map((b) => [...a].filter((id) => b.has(id)).length));
    expect(result.segments).toEqual(names);
    expect(result.matrix).toEqual(want);
    // not-buyers-email excludes buyers: a known zero, and the data is not trivially empty
    expect(want[1]![3]).toBe(0);
    expect(want[1]![1]).toBeGreaterThan(0);
    expect(result.pairs).toHaveLength((names.length * (names.length - 1)) / 2);
    expect(result.pairs.find((p) => p.a === 'saved-vip' && p.b === 'buyers')?.count).toBe(want[0]![1]);
    const csv = readFileSync(out, 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n').map((l) => l.split(','));
    expect(lines[0]).toEqual(['segment', ...names]);
    expect(lines.slice(1)).toEqual(names.map((name, i) => [name, ...want[i]!.map(String)]));
    expect(result.file?.bytes).toBe(Buffer.byteLength(csv));
  });

  it('refuses an unknown segment by name, and a segment named twice', async () => {
    await expect(overlap(db, store, ['buyers', 'no-such'], asOf, {}, silentLogger)).rejects.toMatchObject({ code: 'segment-unknown', message: expect.stringContaining('"no-such"') });
    await expect(overlap(db, store, ['buyers', 'buyers'], asOf, {}, silentLogger)).rejects.toMatchObject({ code: 'bad-argument' });
  });
});
