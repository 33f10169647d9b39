/**
 * The ClickHouse planner's insight statements (per-node counts, overlaps, breakdowns, one
 * customer's node truth, memberships and RFM scores) against the DuckDB planner's on the same
 * random shop and random definitions: every figure equal. Registered per target (chdb 26.7, two
 * 18.16 shards), as planner-property.ts is.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocalDate } from '../../src/model/dates.js';
import type { Segment } from '../../src/model/segment.js';
import { validateDefinition } from '../../src/model/validate.js';
import { compileBreakdown } from '../../src/planner/compile-breakdown.js';
import { compileConditionCounts, compileOverlap } from '../../src/planner/compile-condition-counts.js';
import { compileMemberships, compileNodeFlags, IN_COLUMN, RFM_COLUMNS } from '../../src/planner/compile-node-flags.js';
import type { PlanOptions } from '../../src/planner/compile-segment.js';
import { compileClickHouseBreakdown } from '../../src/planner/clickhouse/compile-breakdown.js';
import { compileClickHouseConditionCounts, compileClickHouseOverlap } from '../../src/planner/clickhouse/compile-condition-counts.js';
import { compileClickHouseMemberships, compileClickHouseNodeTruth, compileClickHouseRfmScores } from '../../src/planner/clickhouse/compile-one-customer.js';
import type { ClickHousePlanOptions } from '../../src/planner/clickhouse/compile-segment.js';
import { breakdownKeys, breakdownRows } from '../../src/segments/breakdown.js';
import { schemaInfo } from '../../src/segments/evaluate.js';
import { definition } from '../reference/random-definitions.js';
import { openReferenceShop, savedVip, type ReferenceShop } from '../reference/shop.js';
import { loadedTarget, type ClickHouseTarget } from './planner-targets.js';

const AS_OF = parseLocalDate('2025-03-31')!;
const SHAPE = { customers: 60, orders: 160, events: 200 };
const BY = [['gender', 'age_band'], ['rfm', 'channel'], ['store', 'is_smartphone'], ['prefecture', 'birthday', 'registered_at'], ['tags', 'points']];
const yes = (v: unknown) => v === true || v === 1 || v === '1';
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function insightPlannerTests(label: string, open: () => Promise<ClickHouseTarget | string>): void {
  describe(`ClickHouse insight statements (${label}) = the DuckDB planner's`, () => {
    let shop: ReferenceShop;
    let target: ClickHouseTarget | undefined;
    let click: ClickHousePlanOptions;
    let duck: PlanOptions;
    let skipped: string | undefined;
    beforeAll(async () => {
      shop = await openReferenceShop(5, SHAPE, { asOf: AS_OF, saved: { 'saved-vip': savedVip } });
      duck = { dialect: (await import('../../src/dialect/registry.js')).dialectOf(shop.db), asOf: AS_OF, schema: await schemaInfo(shop.db) };
      const loaded = await loadedTarget(open, label, shop.data, AS_OF);
      if (typeof loaded === 'string') {
        skipped = loaded;
        return;
      }
      ({ target, options: click } = loaded);
    }, 300_000);
    afterAll(async () => {
      await target?.close();
      await shop?.db.close();
    });
    const segmentOf = (def: unknown): Segment | undefined => {
      try {
        return validateDefinition(def, { asOf: AS_OF, lookupSegment: shop.store.lookup });
      } catch {
        return undefined; // a random date range the wrong way round
      }
    };
    const figures = (row: Record<string, unknown> | undefined, names: readonly string[]) => Object.fromEntries(names.map((n) => [n, Number(row?.[n] ?? 0)]));

    it('per-node counts and funnels, and overlaps, of random definitions', async (t) => {
      if (skipped) return t.skip();
      const ids = await target!.rows({ sql: 'SELECT customer_id FROM customers ORDER BY customer_id', parameters: [], notes: [] });
      expect(ids.length).toBe(SHAPE.customers);
      await fc.assert(fc.asyncProperty(fc.array(definition, { minLength: 1, maxLength: 3 }), async (defs) => {
        const segments = defs.map(segmentOf).filter((s): s is Segment => s !== undefined);
        if (segments.length === 0) return;
        const counts = compileConditionCounts(segments[0]!, duck);
        const names = ['count', 'email', 'line', 'dm', ...counts.nodes.flatMap((n) => [n.alone, ...(n.cumulative ? [n.cumulative] : [])])];
        const ch = compileClickHouseConditionCounts(segments[0]!, click);
        expect(ch.nodes.map((n) => [n.path, n.alone, n.cumulative])).toEqual(counts.nodes.map((n) => [n.path, n.alone, n.cumulative]));
        const [want] = await shop.db.query<Record<string, unknown>>(counts);
        const [got] = await target!.rows(ch);
        expect(figures(got, names), `${JSON.stringify(defs[0])}\n${ch.sql}`).toEqual(figures(want, names));
        const pairs = segments.flatMap((_, i) => segments.slice(i).map((__, k) => `p${i}_${i + k}`));
        const [wantPairs] = await shop.db.query<Record<string, unknown>>(compileOverlap(segments, duck));
        const [gotPairs] = await target!.rows(compileClickHouseOverlap(segments, click));
        expect(figures(gotPairs, pairs)).toEqual(figures(wantPairs, pairs));
      }), { numRuns: 60, seed: 5 });
    }, 600_000);

    it('breakdowns of random definitions by every kind of field', async (t) => {
      if (skipped) return t.skip();
      await fc.assert(fc.asyncProperty(definition, fc.constantFrom(...BY), async (def, by) => {
        const segment = segmentOf(def);
        if (!segment) return;
        const keys = breakdownKeys(by, duck.schema!);
        const want = breakdownRows(by, keys, await shop.db.query(compileBreakdown(segment, keys, duck)));
        const got = breakdownRows(by, keys, await target!.rows(compileClickHouseBreakdown(segment, keys, click)));
        expect(got, `${by.join(',')} ${JSON.stringify(def)}`).toEqual(want);
      }), { numRuns: 40, seed: 6 });
    }, 600_000);

    it('one customer: each node\'s truth, memberships and RFM scores', async (t) => {
      if (skipped) return t.skip();
      const customers = shop.data.customers.map((c) => c.customer_id);
      await fc.assert(fc.asyncProperty(definition, fc.constantFrom(...customers), async (def, id) => {
        const segment = segmentOf(def);
        if (!segment) return;
        const flags = compileNodeFlags(segment, id, duck);
        const [want] = await shop.db.query<Record<string, unknown>>(flags);
        const truth = compileClickHouseNodeTruth(segment, id, click);
        const [got] = await target!.rows(truth);
        expect(truth.nodes.map((n) => [n.path, yes(got?.[n.column])]), JSON.stringify(def)).toEqual(flags.nodes.map((n) => [n.path, want?.[n.column] === true]));
        expect(yes(got?.why_in)).toBe(want?.[IN_COLUMN] === true);
        const [member] = await target!.rows(compileClickHouseMemberships([segment], id, click));
        const [duckMember] = await shop.db.query<Record<string, unknown>>(compileMemberships([segment], id, duck));
        expect(yes(member?.s0)).toBe(duckMember?.s0 === true);
      }), { numRuns: 60, seed: 7 });
      const rfm = validateDefinition({ where: { kind: 'rfm', r: [1, 5] } }, { asOf: AS_OF, lookupSegment: shop.store.lookup });
      let scored = 0;
      for (const id of customers) {
        const [want] = await shop.db.query<Record<string, unknown>>(compileNodeFlags(rfm, id, duck));
        const [got] = await target!.rows(compileClickHouseRfmScores(id, click));
        expect([num(got?.r), num(got?.f), num(got?.m)], id).toEqual([num(want?.[RFM_COLUMNS.r]), num(want?.[RFM_COLUMNS.f]), num(want?.[RFM_COLUMNS.m])]);
        if (got) scored++;
      }
      expect(scored).toBeGreaterThan(10);
    }, 600_000);
  });
}
