/**
 * The insight commands on two ClickHouse 18.16 shards give the answers of the DuckDB file of the
 * same shop (equal JSON, timings aside): count --conditions (every node alone and the funnel of
 * each `all`), overlap, count --by, why, customer and settings (the RFM cut points and sales
 * statuses stored in the state file, read by the ClickHouse planner).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseMissing } from './servers.js';
import { AS_OF, twoShops, type TwoShops } from './insights-shop.js';

const missing = clickhouseMissing();

/** Every leaf kind, in trees of every group kind (a leaf written twice, an empty all and any, not of a group). */
const LEAVES = {
  attr: { kind: 'field', field: 'attr:会員ランク', op: 'eq', value: 'ゴールド' },
  prefecture: { kind: 'field', field: 'prefecture', op: 'contains', value: '東京' },
  gender: { kind: 'field', field: 'gender', op: 'eq', value: '女性' },
  points: { kind: 'field', field: 'points', op: 'between', min: 1000, max: 2000 },
  age: { kind: 'age', min: 30, max: 49 },
  birthday: { kind: 'birthday', from: '12-01', to: '12-31' },
  tenure: { kind: 'tenure', min: 365 },
  tags: { kind: 'tags', tags: ['vip', 'newsletter'], match: 'any' },
  purchases: { kind: 'purchases', orderCount: { min: 2 }, lastOrderedAt: { to: 'today-180d' } },
  sales: { kind: 'purchases', statuses: ['完了'], sales: { min: 10000 } },
  mail: { kind: 'mail', event: 'open', mails: ['M0029', 'S0030'], match: 'any' },
  subscription: { kind: 'subscription', status: ['継続'] },
  email: { kind: 'reachable', channel: 'email' },
  line: { kind: 'reachable', channel: 'line' },
  rfm: { kind: 'rfm', r: [4, 5] },
  saved: { kind: 'segment', name: 'repeaters' },
} as const;
const L = LEAVES;

const TREES: Record<string, unknown> = {
  funnel: { all: [L.email, L.purchases, L.tags, { not: L.mail }, L.age] },
  nested: { any: [{ all: [L.attr, L.prefecture] }, { all: [L.gender, { not: { any: [L.points, L.birthday] } }] }, L.tenure] },
  repeated: { all: [L.sales, { any: [L.sales, L.subscription] }, { not: L.line }, L.rfm, L.saved] },
  empty: { all: [{ all: [] }, { any: [] }, L.email] },
  leaf: L.subscription,
  deleted: { all: [L.gender, L.purchases] },
};

const SAVED = {
  repeaters: { kind: 'purchases', orderCount: { min: 2 } },
  women: L.gender,
  mailable: L.email,
  gold: L.attr,
  lapsed: { kind: 'purchases', orderCount: { min: 1 }, lastOrderedAt: { to: 'today-365d' } },
};

describe.skipIf(missing !== undefined)('insights on two ClickHouse shards = on the DuckDB file', () => {
  let shops: TwoShops;
  beforeAll(async () => {
    shops = await twoShops('insights', SAVED);
  }, 600_000);
  afterAll(async () => shops?.close(), 60_000);

  const definition = (name: string, where: unknown, includeDeleted = false) => ({ definition: { version: 1, name, where, ...(includeDeleted ? { includeDeleted } : {}) } });
  const timeless = <T extends { elapsedMs?: number }>(result: T) => ({ ...result, elapsedMs: 0 });

  it('count --conditions: every node alone and each funnel step as on DuckDB', async () => {
    for (const [name, where] of Object.entries(TREES)) {
      const segment = definition(name, where, name === 'deleted');
      const [d, c] = [await shops.duck.conditionCounts(segment, { asOf: AS_OF }), await shops.click.conditionCounts(segment, { asOf: AS_OF })];
      expect(timeless(c), name).toEqual(timeless(d));
      expect(d.conditions.some((n) => n.alone > 0 && n.alone < 300), name).toBe(true);
    }
    const funnel = await shops.click.conditionCounts(definition('funnel', TREES.funnel), { asOf: AS_OF });
    const steps = funnel.conditions.filter((n) => n.cumulative !== null).map((n) => n.cumulative!);
    expect(steps).toHaveLength(5);
    // A funnel only narrows, and ends at the count.
    expect(steps.every((n, i) => i === 0 || n <= steps[i - 1]!)).toBe(true);
    expect(steps.at(-1)).toBe(funnel.count);
    expect(steps[0]).toBeGreaterThan(steps.at(-1)!);
  }, 300_000);

  it('overlap: the matrix of saved segments as on DuckDB, and its CSV file', async () => {
    const names = Object.keys(SAVED);
    const [d, c] = [await shops.duck.overlap(names, { asOf: AS_OF }), await shops.click.overlap(names, { asOf: AS_OF, out: join(shops.dir, 'overlap.csv') })];
    expect({ ...timeless(c), file: undefined }).toEqual(timeless(d));
    expect(c.matrix[0]![0]).toBeGreaterThan(c.matrix[0]![1]!);
    expect(existsSync(c.file!.path)).toBe(true);
    expect(readFileSync(c.file!.path, 'utf8').split(/\r?\n/)[0]).toBe('\uFEFFsegment,repeaters,women,mailable,gold,lapsed');
  }, 120_000);

  const BY = ['gender,age_band', 'prefecture', 'attr:会員ランク,channel', 'rfm', 'store,is_smartphone', 'birthday', 'registered_at', 'tags', 'points,line_linked', 'rfm,store,channel'];

  it('count --by: the rows of every kind of field as on DuckDB', async () => {
    const segment = definition('buyers', { kind: 'purchases', orderCount: { min: 1 } });
    for (const by of BY) {
      const [d, c] = [await shops.duck.breakdown(segment, { by, asOf: AS_OF }), await shops.click.breakdown(segment, { by, asOf: AS_OF })];
      expect(timeless(c), by).toEqual(timeless(d));
      expect(d.breakdown.length, by).toBeGreaterThan(1);
    }
    const all = definition('all', { all: [] }, true);
    const [d, c] = [await shops.duck.breakdown(all, { by: 'rfm,gender', asOf: AS_OF }), await shops.click.breakdown(all, { by: 'rfm,gender', asOf: AS_OF })];
    expect(timeless(c)).toEqual(timeless(d));
    expect(c.breakdown.some((r) => r.key.rfm === 'none')).toBe(true);
  }, 300_000);

  it('settings: shown, set and unset in the state file, and the ClickHouse planner counts with them as DuckDB does', async () => {
    const rfm = { kind: 'rfm', r: [4, 5], m: [3, 5] };
    const sales = { kind: 'purchases', sales: { min: 20000 } };
    const compare = async (what: string) => {
      for (const where of [rfm, sales]) {
        const [d, c] = [await shops.duck.count(definition('s', where), { asOf: AS_OF }), await shops.click.count(definition('s', where), { asOf: AS_OF })];
        expect(timeless(c), what).toEqual(timeless(d));
      }
      const [d, c] = [await shops.duck.breakdown(definition('s', sales), { by: 'rfm', asOf: AS_OF }), await shops.click.breakdown(definition('s', sales), { by: 'rfm', asOf: AS_OF })];
      expect(timeless(c), what).toEqual(timeless(d));
      return (await shops.click.count(definition('s', sales), { asOf: AS_OF })).count;
    };
    const before = await compare('quintiles, every status but cancelled');
    for (const ws of [shops.duck, shops.click]) {
      await ws.setRfmSettings({ r: '30,90,180,365', m: '5000,10000,20000,40000' });
      await ws.setSalesStatuses('キャンセル');
      await ws.setRemarkLabel(1, 'FAX番号');
    }
    expect(await shops.click.settings()).toEqual(await shops.duck.settings());
    expect(await shops.click.settings()).toEqual({
      rfm: { r: [30, 90, 180, 365], m: [5000, 10000, 20000, 40000] }, salesStatuses: ['cancelled'], remarkLabels: { 1: 'FAX番号' },
    });
    const cancelledOnly = await compare('fixed cut points, only cancelled lines count');
    expect(cancelledOnly).not.toBe(before);
    for (const ws of [shops.duck, shops.click]) {
      expect(await ws.unsetSetting('rfm')).toBe(true);
      expect(await ws.unsetSetting('sales-statuses')).toBe(true);
      await ws.setRemarkLabel(1, '');
    }
    expect(await shops.click.settings()).toEqual({});
    expect(await compare('unset again')).toBe(before);
  }, 300_000);

  it('why: each node\'s truth and figures for customers in and out, as on DuckDB (saved segments explained inside)', async () => {
    const ids = ['00000001', '00000002', '00000017', '00000150', '00000299'];
    let held = 0;
    for (const [name, where] of Object.entries(TREES)) {
      for (const id of ids) {
        const segment = definition(name, where, name === 'deleted');
        const [d, c] = [await shops.duck.why(id, segment, { asOf: AS_OF }), await shops.click.why(id, segment, { asOf: AS_OF })];
        expect(c, `${name} ${id}`).toEqual(d);
        if (d.in) held++;
      }
    }
    expect(held).toBeGreaterThan(3);
    const figures = definition('figures', { all: [L.rfm, { kind: 'purchases', orderCount: { min: 1 }, lastOrder: { stores: ['100'] }, products: [{ products: ['P00014'], count: { min: 1 } }] },
      { kind: 'mail', event: 'open', mailFilter: { stores: ['200'] } }] });
    const scored = await shops.click.why('00000002', figures, { asOf: AS_OF });
    expect(scored).toEqual(await shops.duck.why('00000002', figures, { asOf: AS_OF }));
    expect(scored.nodes[1]!.figures.r).not.toBeNull();
  }, 300_000);

  it('customer: record, lifetime figures, orders, events and saved segments as on DuckDB; an unknown id is refused with the near one', async () => {
    for (const id of ['00000001', '00000002', '00000017', '00000150']) {
      const [d, c] = [await shops.duck.customer(id, { asOf: AS_OF }), await shops.click.customer(id, { asOf: AS_OF })];
      expect(c, id).toEqual(d);
    }
    const many = await shops.click.customer('00000002', { asOf: AS_OF, orders: 100, events: 100 });
    expect(many).toEqual(await shops.duck.customer('00000002', { asOf: AS_OF, orders: 100, events: 100 }));
    expect(many.orders.length).toBeGreaterThan(0);
    expect(many.segments.some((s) => s.in === true)).toBe(true);
    const refused = await shops.click.customer('00000002 ', { asOf: AS_OF }).then(() => undefined, (e: unknown) => e as Error & { code?: string });
    expect(refused?.code).toBe('unknown-customer');
    expect(refused?.message).toBe('there is no customer "00000002 " (customer ids compare exactly, as imported; did you mean "00000002"?)');
    // Ids that differ in width too (18.16 has no NFKC: folded outside the server), the last test to change the shops.
    const wide = join(shops.dir, 'wide-ids.csv');
    writeFileSync(wide, 'customer_id,name\nＡＢ１,全角\nAB1,半角\n');
    for (const shop of [shops.duck, shops.click]) await shop.import({ table: 'customers', files: [wide] });
    const [d, c] = await Promise.all([shops.duck, shops.click].map((shop) => shop.customer('ａｂ１', { asOf: AS_OF }).then(() => undefined, (e: unknown) => (e as Error).message)));
    expect(d).toBe('there is no customer "ａｂ１" (customer ids compare exactly, as imported; did you mean "AB1", "ＡＢ１"?)');
    expect(c).toBe(d);
  }, 300_000);
});
