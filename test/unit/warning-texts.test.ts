/**
 * The count's warnings as the Japanese page says them (src/web/warning-texts.ts): a sentence built
 * from the code and the value the definition holds at the warning's path; the server's English
 * message in the English page (audit 41, finding 5).
 */
import { describe, expect, it } from 'vitest';
import { WARNING_CODES } from '../../src/segments/warning-checker.js';
import type { Json } from '../../src/web/tree.js';
import { warningText } from '../../src/web/warning-texts.js';

const definition: Json = {
  where: {
    all: [
      { kind: 'mail', event: 'open', mails: ['M0300'] },
      { kind: 'field', field: 'attr:会員ランク', op: 'eq', value: 'ゴールド' },
      { kind: 'purchases', window: { from: '2026-06-01', to: 'today-1y' }, orderCount: { min: 1 } },
      { kind: 'segment', name: 'vip' },
    ],
  },
};
const warning = (code: string, path: string, message = 'English message') => ({ code, path, message, suggestions: [] });

describe('warningText', () => {
  it('has a Japanese sentence for every warning code', () => {
    for (const code of WARNING_CODES) expect(warningText('ja', warning(code, '(top level)'), definition), code).not.toBe('English message');
  });

  it('names the value at the warning\'s path', () => {
    expect(warningText('ja', warning('unknown-mail', 'where.all[0].mails[0]'), definition)).toContain('メール「M0300」は');
    expect(warningText('ja', warning('unknown-attribute', 'where.all[1].field'), definition)).toContain('属性グループ「会員ランク」は');
    expect(warningText('ja', warning('value-never-occurs', 'where.all[1].value'), definition)).toBe('「ゴールド」はデータにありません');
    expect(warningText('ja', warning('empty-range', 'where.all[2].window'), definition)).toContain('範囲「2026-06-01～today-1y」に入る日がありません');
  });

  it('says where a saved segment\'s own value is, and keeps English in the English page', () => {
    expect(warningText('ja', warning('unknown-product', 'where.all[3].name', 'saved segment "vip", where.all[0].products[0]: there is no product "X"'), definition))
      .toBe('保存済みセグメント「vip」の中: 商品コードは商品にも受注明細にもありません');
    expect(warningText('en', warning('unknown-mail', 'where.all[0].mails[0]', 'there is no mail "M0300"'), definition)).toBe('there is no mail "M0300"');
  });
});
