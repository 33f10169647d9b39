/**
 * The places of faults and warnings as the page names them under the count (src/web/place-labels.ts):
 * the labels of the boxes, never the parser's raw path (audit 41, finding 5).
 */
import { describe, expect, it } from 'vitest';
import { pathSteps, placeLabel } from '../../src/web/place-labels.js';
import type { Json } from '../../src/web/tree.js';

const definition: Json = {
  where: {
    all: [
      { kind: 'purchases', orderCount: { min: 'abc' }, sales: { min: 1000 } },
      { kind: 'purchases', window: { from: 'today-90d', to: 'today' }, orderCount: { min: 1 }, products: [{ count: { min: 1 }, products: ['P1', 'P2'] }], lastOrder: { products: ['X'] } },
      { any: [{ kind: 'mail', event: 'open', mails: ['M1', 'M0300'] }, { kind: 'field', field: 'prefecture', op: 'in', values: ['東京'] }] },
      { not: { kind: 'mail', event: 'click', mails: ['M2'] } },
      { kind: 'future-kind', x: 1 },
    ],
  },
};

describe('placeLabel', () => {
  it('reads the parser\'s paths', () => {
    expect(pathSteps('where.all[0].orderCount.min')).toEqual(['where', 'all', 0, 'orderCount', 'min']);
    expect(pathSteps('where.all[0].products["a b"]')).toEqual(['where', 'all', 0, 'products', 'a b']);
    expect(pathSteps('(top level)')).toBeUndefined();
  });

  it('names a place by its boxes\' labels, in the page\'s language', () => {
    expect(placeLabel('ja', definition, 'where.all[0].orderCount.min')).toBe('最新購入情報 (RFM) › 累計購入回数（以上）');
    expect(placeLabel('en', definition, 'where.all[0].orderCount.min')).toBe('Latest purchases (RFM) › Number of orders (min)');
    expect(placeLabel('ja', definition, 'where.all[1].orderCount.min')).toBe('期間設定 › 購入回数（以上）');
    expect(placeLabel('ja', definition, 'where.all[1].window.from')).toBe('期間設定 › 購入日（開始）');
    expect(placeLabel('ja', definition, 'where.all[1].products[0].products[1]')).toBe('期間設定 › 購入商品を指定 › 1行目 › 商品コード › 2番目');
    expect(placeLabel('ja', definition, 'where.all[1].products[0].count')).toBe('期間設定 › 購入商品を指定 › 1行目 › 購入回数');
    expect(placeLabel('ja', definition, 'where.all[1].lastOrder.products[0]')).toBe('期間設定 › 最新購入情報 (最新受注) › 商品コード › 1番目');
    expect(placeLabel('ja', definition, 'where.all[2].any[0].mails[1]')).toBe('グループ 2 › メール履歴 › メール › 2番目');
    expect(placeLabel('ja', definition, 'where.all[2]')).toBe('グループ 2');
    expect(placeLabel('ja', definition, 'where.all[3].not.mails[0]')).toBe('メール履歴 › メール › 1番目');
    expect(placeLabel('ja', definition, 'where.all[0]')).toBe('最新購入情報 (RFM)');
  });

  it('keeps what it cannot name', () => {
    expect(placeLabel('ja', definition, 'where.all[4].x')).toBe('future-kind › x');
    expect(placeLabel('ja', definition, '(top level)')).toBe('(top level)');
    expect(placeLabel('ja', definition, '(settings) sales-statuses[0]')).toBe('(settings) sales-statuses[0]');
  });
});
