import { describe, expect, it } from 'vitest';
import { customers, purchases } from '../../src/catalog/tables.js';
import { mapHeader } from '../../src/import/header.js';
import { emptyMapping } from '../../src/import/mapping.js';
import { ImportError, KumiwakeError } from '../../src/errors.js';

const names = (targets: ReturnType<typeof mapHeader>['targets']) =>
  targets.map((t) => (t.kind === 'column' ? t.column.name : t.kind === 'group' ? `group ${t.name}` : 'ignored'));

describe('mapHeader', () => {
  it('accepts canonical names, Japanese aliases in any width and case, and attribute groups', () => {
    const mapped = mapHeader(customers, ['CUSTOMER_ID', 'ﾒｰﾙｱﾄﾞﾚｽ', '氏名（カナ）', ' 性別 ', 'attr:会員ステータス', '備考10'], 'c.csv', emptyMapping);
    expect(names(mapped.targets)).toEqual(['customer_id', 'email_pc', 'name_kana', 'gender', 'group 会員ステータス', 'remark_10']);
    expect(mapped.positionOf.get('gender')).toBe(3);
  });

  it('takes group: columns for purchases but not attr: ones', () => {
    expect(names(mapHeader(purchases, ['受注番号', '会員番号', '購入日', '商品コード', 'group:管理ステイタス'], 'p.csv', emptyMapping).targets)).toEqual([
      'order_id', 'customer_id', 'ordered_at', 'product_code', 'group 管理ステイタス',
    ]);
    expect(() => mapHeader(purchases, ['order_id', 'customer_id', 'ordered_at', 'product_code', 'attr:x'], 'p.csv', emptyMapping)).toThrow(/column attr:x: is not a column of purchases/);
  });

  it('refuses unknown, empty, duplicate and missing columns with the file and column', () => {
    const fault = (header: string[]) => {
      try {
        mapHeader(customers, header, 'c.csv', emptyMapping);
      } catch (e) {
        expect(e).toBeInstanceOf(ImportError);
        return (e as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(fault(['customer_id', 'colour'])).toBe('c.csv:1: column colour: is not a column of customers; rename or ignore it with --mapping (known columns: ' + customers.columns.map((c) => c.name).join(', ') + ')');
    expect(fault(['customer_id', 'colour', '好きな色', 'size'])).toMatch(/^c\.csv:1: column colour: is not a column of customers \(nor are "好きな色", "size"\); rename or ignore them with --mapping/);
    expect(fault(['customer_id', ''])).toBe('c.csv:1: column #2: the header cell is empty; name the column, or ignore unnamed columns with a mapping file: {"columns": {"": null}}');
    expect(fault(['customer_id', 'name', 'NAME'])).toBe('c.csv:1: column NAME: appears twice in the header (also as "name")');
    expect(fault(['customer_id', '氏名', 'name'])).toBe('c.csv:1: column name: and column "氏名" both map to name');
    expect(fault(['name'])).toMatch(/^c\.csv:1: column customer_id: required column is missing \(expected a header "customer_id" or "会員番号" or "顧客ID"\)/);
  });

  it('applies a mapping: renames, ignores, and names the mapping file when a target is unknown', () => {
    const mapping = { ...emptyMapping, columns: { No: 'customer_id', Memo: null, Rank: 'attr:rank' } };
    expect(names(mapHeader(customers, ['No', 'Memo', 'Rank'], 'c.csv', mapping).targets)).toEqual(['customer_id', 'ignored', 'group rank']);
    const bad = { ...emptyMapping, columns: { No: 'member_no' } };
    expect(() => mapHeader(customers, ['No'], 'c.csv', bad, 'map.json')).toThrow(KumiwakeError);
    expect(() => mapHeader(customers, ['No'], 'c.csv', bad, 'map.json')).toThrow('map.json: columns."No": "member_no" is not a column of customers');
    // A target is checked whether or not this file has its header.
    expect(() => mapHeader(customers, ['customer_id'], 'c.csv', bad, 'map.json')).toThrow('map.json: columns."No": "member_no" is not a column of customers');
  });

  it('ignores columns without a header (Excel\'s trailing comma) only when a mapping says `"": null`', () => {
    const unnamed = { ...emptyMapping, columns: { '': null } };
    expect(names(mapHeader(customers, ['customer_id', 'name', '', ''], 'c.csv', unnamed).targets)).toEqual(['customer_id', 'name', 'ignored', 'ignored']);
  });
});
