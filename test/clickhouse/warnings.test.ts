/**
 * Warnings on two ClickHouse 18.16 shards: a definition naming what the data does not hold (a
 * typo'd mail id under `not`, a product, category, store, media, status, order group or value,
 * an attribute group, a tag, a value of a field, a mail filter selecting no mail, a typo inside a
 * saved segment) is warned about exactly as on the DuckDB file of the same shop (codes, paths,
 * messages, suggestions), and `--strict` refuses it with the same sentence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseMissing } from './servers.js';
import { AS_OF, twoShops, type TwoShops } from './insights-shop.js';

const missing = clickhouseMissing();

const TYPOS: Record<string, unknown> = {
  'mail under not': { not: { kind: 'mail', event: 'open', mails: ['M0O29'] } },
  'mail and mail store': { any: [{ kind: 'mail', event: 'click', mails: ['M0029', 'S0031'] }, { kind: 'mail', event: 'click', mailFilter: { stores: ['300'] } }] },
  'mail filter selects none': { all: [{ kind: 'mail', event: 'open', mailFilter: { subjectContains: '存在しない件名' } }, { kind: 'mail', event: 'open', mails: [] }] },
  purchases: {
    kind: 'purchases', orderCount: { min: 1 }, stores: ['300'], media: ['gogle'], statuses: ['完了済'], groups: { 管理ステイタス: ['通上'], 管理: ['VIP'] },
    firstOrderProducts: ['P00O14'], products: [{ products: ['P0001'], categories: ['スキンケヤ'], count: { min: 1 } }],
  },
  fields: {
    all: [
      { kind: 'field', field: 'prefecture', op: 'in', values: ['', '大阪府', '東京'] },
      { kind: 'field', field: 'attr:会員ランク', op: 'eq', value: 'ゴールト' },
      { kind: 'field', field: 'attr:会員ランキング', op: 'eq', value: 'ゴールド' },
      { kind: 'tags', tags: ['VIP', 'newsleter'] },
    ],
  },
  subscription: { kind: 'subscription', products: ['P00O03'], count: { max: 0 } },
  'cancel reason under not': { not: { kind: 'subscription', cancelReasons: ['飲み切れない', 'その他'] } },
  'saved segment': { not: { kind: 'segment', name: 'typo' } },
  'customer ids': { not: { kind: 'field', field: 'customer_id', op: 'in', values: ['2', '00000017', '150', '0000O003'] } },
};

describe.skipIf(missing !== undefined)('warnings on two ClickHouse shards = on the DuckDB file', () => {
  let shops: TwoShops;
  beforeAll(async () => {
    shops = await twoShops('warn', { typo: { kind: 'tags', tags: ['campain2025'] } });
  }, 600_000);
  afterAll(async () => shops?.close(), 60_000);

  it('gives the same warnings (codes, paths, messages, suggestions) and counts for every kind of name', async () => {
    const codes = new Set<string>();
    for (const [name, where] of Object.entries(TYPOS)) {
      const definition = { version: 1, name: 'w', where };
      const [d, c] = [await shops.duck.count({ definition }, { asOf: AS_OF }), await shops.click.count({ definition }, { asOf: AS_OF })];
      expect(d.warnings.length, name).toBeGreaterThan(0);
      expect(c.warnings, name).toEqual(d.warnings);
      expect(c.count, name).toBe(d.count);
      for (const w of c.warnings) codes.add(w.code);
    }
    expect([...codes].sort()).toEqual(['no-mail-selected', 'unknown-attribute', 'unknown-category', 'unknown-mail', 'unknown-media', 'unknown-order-group',
      'unknown-product', 'unknown-store', 'unknown-tag', 'value-never-occurs']);
  }, 300_000);

  it('warns of a typo\'d mail id under not (which selects everyone) with the mail ids the data holds, and --strict refuses it', async () => {
    const definition = { version: 1, name: 'w', where: TYPOS['mail under not'] };
    const counted = await shops.click.count({ definition }, { asOf: AS_OF });
    expect(counted.warnings).toEqual([{
      code: 'unknown-mail', path: 'where.not.mails[0]',
      message: 'there is no mail "M0O29" (not in the mails, no mail event names it): the condition finds no event of it',
      suggestions: ['M0029', 'M0009', 'M0019'],
    }]);
    const refuse = (ws: typeof shops.click) => ws.count({ definition }, { asOf: AS_OF, strict: true }).then(() => undefined, (e: unknown) => e as Error & { code?: string });
    const [d, c] = [await refuse(shops.duck), await refuse(shops.click)];
    expect(c?.code).toBe('strict-warnings');
    expect(c?.message).toBe(d?.message);
    expect(c?.message).toMatch(/where\.not\.mails\[0\]: there is no mail "M0O29" .* \(did you mean "M0029", "M0009", "M0019"\?\)$/);
  }, 120_000);

  it('gives no warning for names the data holds, and --strict then counts as DuckDB does', async () => {
    const definition = { version: 1, name: 'ok', where: { all: [
      { not: { kind: 'mail', event: 'open', mails: ['M0029'] } }, { kind: 'tags', tags: ['ｖｉｐ'] },
      { kind: 'field', field: 'prefecture', op: 'ne', value: '東京都' }, { kind: 'purchases', orderCount: { min: 1 }, media: ['google'], stores: ['100'] },
    ] } };
    const [d, c] = [await shops.duck.count({ definition }, { asOf: AS_OF, strict: true }), await shops.click.count({ definition }, { asOf: AS_OF, strict: true })];
    expect(c.warnings).toEqual([]);
    expect(c.count).toBe(d.count);
  }, 120_000);
});
