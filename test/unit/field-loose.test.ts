/**
 * Japanese text typed several ways (`"loose": true`) and SATORI's number and date custom items
 * (`between` on attr:), through the library on a small shop whose every expected list is written
 * out by hand from segment-definition.md (field).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefinitionError, openWorkspace, type Workspace } from '../../src/index.js';

const CSV = `会員番号,氏名,フリガナ,携帯電話番号,郵便番号,attr:購入回数,attr:最終来店日
k1,山田 花子,ヤマダ ハナコ,090-1234-5678,100-0001,12,2024/06/15
k2,山田　花子,やまだはなこ,09012345678,1000001,１２,2024-12-31 18:30:00
k3,山田花子,ﾔﾏﾀﾞ ﾊﾅｺ,090ー1234ー5678,100－0001,3.5,2025-01-01
k4,佐藤 太郎,サトウ タロウ,080-0000-0000,530-0001,abc,昨日
k5,,,,,,
k6,Yamada Hanako,YAMADA,090−1234−5678, ,-2,2024-02-30
`;

describe('loose text and attribute ranges', () => {
  let shop: Workspace;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kumiwake-loose-'));
    writeFileSync(join(dir, 'customers.csv'), CSV);
    shop = await openWorkspace({ db: ':memory:' });
    await shop.import({ table: 'customers', files: [join(dir, 'customers.csv')] });
  });
  afterAll(() => shop.close());

  const ids = async (where: unknown) =>
    (await shop.members({ definition: { where } as never }, { asOf: '2025-03-31', limit: 100 })).rows.map((r) => r.customer_id).sort();

  it('ignores spaces of both widths, hyphens and dashes, and kana differences only when loose', async () => {
    expect(await ids({ kind: 'field', field: 'name', op: 'eq', value: '山田花子', loose: true })).toEqual(['k1', 'k2', 'k3']);
    expect(await ids({ kind: 'field', field: 'name', op: 'eq', value: '山田花子' })).toEqual(['k3']);
    expect(await ids({ kind: 'field', field: 'name_kana', op: 'eq', value: 'やまだ はなこ', loose: true })).toEqual(['k1', 'k2', 'k3']);
    expect(await ids({ kind: 'field', field: 'name_kana', op: 'starts_with', value: 'ヤマダ', loose: true })).toEqual(['k1', 'k2', 'k3']);
    expect(await ids({ kind: 'field', field: 'phone_mobile', op: 'eq', value: '09012345678', loose: true })).toEqual(['k1', 'k2', 'k3', 'k6']);
    expect(await ids({ kind: 'field', field: 'phone_mobile', op: 'contains', value: '1234-5678', loose: true })).toEqual(['k1', 'k2', 'k3', 'k6']);
    expect(await ids({ kind: 'field', field: 'postal_code', op: 'in', values: ['1000001'], loose: true })).toEqual(['k1', 'k2', 'k3']);
    // A missing or blank value is never equal, and `ne` holds for it.
    expect(await ids({ kind: 'field', field: 'postal_code', op: 'ne', value: '100-0001', loose: true })).toEqual(['k4', 'k5', 'k6']);
  });

  it('compares an attribute as a number when the bounds are numbers, as a date when they are dates', async () => {
    // 12, １２ (NFKC 12), 3.5, -2 are numbers; abc and the empty value never match.
    expect(await ids({ kind: 'field', field: 'attr:購入回数', op: 'between', min: 10 })).toEqual(['k1', 'k2']);
    expect(await ids({ kind: 'field', field: 'attr:購入回数', op: 'between', min: -5, max: 4 })).toEqual(['k3', 'k6']);
    // 2024/06/15 and 2024-12-31 18:30 are in 2024; 昨日 and 2024-02-30 are not dates.
    expect(await ids({ kind: 'field', field: 'attr:最終来店日', op: 'between', min: '2024-01-01', max: '2024-12-31' })).toEqual(['k1', 'k2']);
    expect(await ids({ kind: 'field', field: 'attr:最終来店日', op: 'between', min: 'today-6m' })).toEqual(['k2', 'k3']);
    expect(await ids({ kind: 'field', field: 'attr:無い属性', op: 'between', max: 5 })).toEqual([]);
  });

  it('refuses loose on a number field or a between, and a number bound beside a date bound', async () => {
    const faults = async (where: unknown) => {
      try {
        await shop.count({ definition: { where } as never }, { asOf: '2025-03-31' });
      } catch (e) {
        if (e instanceof DefinitionError) return e.faults.map((f) => [f.code, f.path]);
        throw e;
      }
      return [];
    };
    expect(await faults({ kind: 'field', field: 'points', op: 'eq', value: 1, loose: true })).toEqual([['operator-not-for-type', 'where.loose']]);
    expect(await faults({ kind: 'field', field: 'name', op: 'eq', value: 'x', loose: 'yes' })).toEqual([['not-a-boolean', 'where.loose']]);
    expect(await faults({ kind: 'field', field: 'attr:購入回数', op: 'between', min: 1, max: '2024-01-01' })).toEqual([['not-a-number', 'where.max']]);
    expect(await faults({ kind: 'field', field: 'attr:最終来店日', op: 'between', min: 'yesterday' })).toEqual([['not-a-date', 'where.min']]);
  });
});
