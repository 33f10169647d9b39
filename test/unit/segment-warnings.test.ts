import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KumiwakeError, openWorkspace, type CountResult, type Workspace } from '../../src/index.js';
import { suggest } from '../../src/segments/warnings.js';

const SHOP = new URL('../fixtures/shop/', import.meta.url).pathname;
const AS_OF = '2025-03-31';

describe('suggestions', () => {
  it('are the nearest names after NFKC and case folding, the same number first, at most 3', () => {
    const mails = ['S0001', 'M0002', 'M0010', 'M0020', 'M0028', 'M0029', 'S0030'];
    expect(suggest('M0030', mails)[0]).toBe('S0030');
    expect(suggest('M0030', mails)).toHaveLength(3);
    expect(suggest('東京', ['東京都', '大阪府', '北海道'])).toEqual(['東京都']);
    expect(suggest('ﾌﾟﾗﾁﾅ', ['プラチナ', 'ゴールド'])).toEqual(['プラチナ']);
    expect(suggest('XYZ123', ['東京都'])).toEqual([]);
  });
});

/** test/fixtures/shop: 5 customers (004 deleted), purchases of an unknown customer 999, mails M1 M2 S1. */
for (const interactive of [false, true]) {
  describe(`warnings of a count (${interactive ? 'interactive' : 'one-shot'})`, () => {
    let shop: Workspace;
    beforeAll(async () => {
      shop = await openWorkspace({ db: ':memory:', interactive });
      for (const [table, file] of [['customers', 'customers'], ['products', 'products'], ['purchases', 'purchases'], ['mails', 'mails'], ['mail-events', 'mail_events']] as const) {
        await shop.import({ table, files: [`${SHOP}${file}.csv`] });
      }
    });
    afterAll(() => shop.close());

    const count = (where: unknown, strict = false) => shop.count({ definition: { version: 1, where } }, { asOf: AS_OF, strict });
    const codes = (result: CountResult) => result.warnings.map((w) => `${w.code} ${w.path}`);

    it('names an unknown mail id with its path and the nearest ids, and still counts', async () => {
      const result = await count({ all: [{ kind: 'age', min: 0 }, { not: { kind: 'mail', event: 'open', mails: ['M1', 'S2'] } }] });
      expect(result.count).toBe(1); // 001 and 002 opened M1; 003 has no age
      expect(result.warnings).toEqual([{
        code: 'unknown-mail', path: 'where.all[1].not.mails[1]', suggestions: ['M2', 'S1'],
        message: 'there is no mail "S2" (not in the mails, no mail event names it): the condition finds no event of it',
      }]);
    });

    it('warns of customer ids no customer has, suggesting the ids of the same number', async () => {
      const result = await count({ not: { kind: 'field', field: 'customer_id', op: 'in', values: ['1', '002', '0O3', '5', ' 4'] } });
      expect(result.count).toBe(3); // 001, 003, 005 (004 is deleted): the typos exclude no one
      // The numbers are looked up together: each keeps its own ids.
      expect(result.warnings.map((w) => [w.path, w.message, w.suggestions])).toEqual([
        ['where.not.values[0]', 'no customer has customer_id "1" (ids compare exactly, as imported)', ['001']],
        ['where.not.values[2]', 'no customer has customer_id "0O3" (ids compare exactly, as imported)', ['003']],
        ['where.not.values[3]', 'no customer has customer_id "5" (ids compare exactly, as imported)', ['005']],
        ['where.not.values[4]', 'no customer has customer_id " 4" (ids compare exactly, as imported)', ['004']],
      ]);
      expect((await count({ kind: 'field', field: 'customer_id', op: 'eq', value: '005' })).warnings).toEqual([]);
    });

    it('warns of a date range that holds no day at the as-of date (a fixed day after a relative one), where the parser cannot refuse it', async () => {
      const result = await count({ all: [
        { kind: 'purchases', orderCount: { max: 0 }, window: { from: '2025-03-01', to: 'today-1y' } },
        { kind: 'field', field: 'registered_at', op: 'between', min: 'today+1d', max: '2020-01-01' },
        { kind: 'mail', event: 'open', mails: ['M1'], window: { from: 'today-30d', to: '2030-01-01' } },
      ] });
      expect(result.warnings.filter((w) => w.code === 'empty-range').map((w) => [w.path, w.message])).toEqual([
        ['where.all[0].window', `from 2025-03-01 is after to today-1y on ${AS_OF}, the as-of date: no day is in the range`],
        ['where.all[1]', `min today+1d is after max 2020-01-01 on ${AS_OF}, the as-of date: no day is in the range`],
      ]);
    });

    it('takes an id known only from the mail events as known', async () => {
      expect((await count({ kind: 'mail', event: 'send', mails: ['M1'] })).warnings).toEqual([]);
    });

    it('warns of values that never occur in low-cardinality columns, tags and attribute groups never imported', async () => {
      const result = await count({ any: [
        { kind: 'field', field: 'prefecture', op: 'eq', value: '東京' },
        { kind: 'field', field: 'prefecture', op: 'in', values: ['', '大阪府', '北海'] },
        { kind: 'tags', tags: ['VIP', 'vipp'] },
        { kind: 'field', field: 'attr:会員ランク', op: 'eq', value: 'ゴールド' },
      ] });
      expect(codes(result)).toEqual([
        'value-never-occurs where.any[0].value', 'value-never-occurs where.any[1].values[2]', 'unknown-attribute where.any[3].field', 'unknown-tag where.any[2].tags[1]',
      ]);
      expect(result.warnings[0]!.suggestions).toEqual(['東京都']);
      expect(result.warnings[1]!.suggestions).toEqual(['北海道']);
      expect(result.warnings[3]!.suggestions).toEqual(['vip']);
      expect(result.warnings[0]!.message).toBe('no customer has prefecture "東京"');
    });

    it('warns of products, categories, stores, media and order groups no line has, and of order lines of customers not in customers', async () => {
      const result = await count({ kind: 'purchases', stores: ['300'], media: ['gogle'], groups: { 管理: ['VIP'] },
        firstOrderProducts: ['P9'], products: [{ products: ['P1'], categories: ['化粧'], count: { min: 1 } }] });
      expect(codes(result)).toEqual([
        'customers-missing where', 'unknown-product where.firstOrderProducts[0]', 'unknown-category where.products[0].categories[0]',
        'unknown-store where.stores[0]', 'unknown-media where.media[0]', 'unknown-order-group where.groups["管理"]',
      ]);
      expect(result.warnings.find((w) => w.code === 'unknown-media')!.suggestions).toEqual(['google']);
      expect(result.warnings.find((w) => w.code === 'unknown-category')!.suggestions).toEqual(['化粧品']);
      expect(result.warnings[0]!.message).toMatch(/^1 of the 4 customers of the order lines is not in customers/);
    });

    it('makes the empty mail selection a warning', async () => {
      const result = await count({ all: [{ kind: 'mail', event: 'open', mailFilter: { subjectContains: '存在しない' } }, { kind: 'mail', event: 'open', mails: [] }] });
      expect(codes(result)).toEqual(['no-mail-selected where.all[1].mails', 'no-mail-selected where.all[0].mailFilter']);
    });

    it('warns of a loose value that folds to nothing, which contains in every stored value', async () => {
      const result = await count({ any: [
        { kind: 'field', field: 'postal_code', op: 'contains', value: '－', loose: true },
        { kind: 'field', field: 'name', op: 'in', values: ['佐藤', 'ー ー', ''], loose: true },
        { kind: 'field', field: 'name', op: 'eq', value: '-' },
        { kind: 'field', field: 'gender', op: 'contains', value: 'ー', loose: true },
      ] });
      // 001 and 003 have a postal code (004 is deleted), no name folds to nothing, 001 002 005 have a gender
      expect(result.count).toBe(4);
      expect(result.warnings).toEqual([
        { code: 'loose-value-empty', path: 'where.any[0].value', suggestions: [],
          message: '"－" is nothing but spaces, hyphens or long sound marks, which a loose comparison ignores: it matches every customer with a value there' },
        { code: 'loose-value-empty', path: 'where.any[1].values[1]', suggestions: [],
          message: '"ー ー" is nothing but spaces, hyphens or long sound marks, which a loose comparison ignores: it equals only a stored value that folds to nothing too' },
        { code: 'loose-value-empty', path: 'where.any[3].value', suggestions: [],
          message: '"ー" is nothing but spaces, hyphens or long sound marks, which a loose comparison ignores: it matches every customer with a value there' },
      ]);
    });

    it('has no warning when the definition names only what the data holds (compared as the condition compares)', async () => {
      expect((await count({ all: [{ kind: 'field', field: 'prefecture', op: 'in', values: ['東京都', '大阪府', ''] }, { kind: 'tags', tags: ['ｖｉｐ'] }] })).warnings).toEqual([]);
      expect((await count({ kind: 'age', min: 20 })).warnings).toEqual([]);
      expect((await count({ kind: 'field', field: 'prefecture', op: 'ne', value: 'ＯＳＡＫＡ' })).warnings)
        .toEqual([{ code: 'value-never-occurs', path: 'where.value', message: 'no customer has prefecture "ＯＳＡＫＡ"', suggestions: [] }]);
    });

    it('reports the values of a saved segment at the reference, naming the segment', async () => {
      await shop.segments.save(`typo-${interactive}`, { where: { kind: 'tags', tags: ['newsleter'] } }).catch(() => undefined);
      const result = await count({ not: { kind: 'segment', name: `typo-${interactive}` } });
      expect(result.warnings).toEqual([{ code: 'unknown-tag', path: 'where.not.name', message: `saved segment "typo-${interactive}", where.tags[0]: no customer carries the tag "newsleter"`, suggestions: ['newsletter'] }]);
    });

    it('reports at most 100 warnings, and looks up at most 20 names of a kind in the mail events', async () => {
      expect((await count({ kind: 'tags', tags: Array.from({ length: 5000 }, (_, i) => `t${i}`) })).warnings).toHaveLength(100);
      const mails = await count({ kind: 'mail', event: 'open', mails: Array.from({ length: 5000 }, (_, i) => `X${i}`) });
      expect(mails.warnings.map((w) => w.path)).toEqual(Array.from({ length: 20 }, (_, i) => `where.mails[${i}]`));
    });

    it('turns warnings into one fault under strict, listing them with their paths', async () => {
      const refused = await count({ kind: 'mail', event: 'open', mails: ['M3'] }, true).then(() => undefined, (e: unknown) => e);
      expect(refused).toBeInstanceOf(KumiwakeError);
      expect((refused as KumiwakeError).code).toBe('strict-warnings');
      expect((refused as KumiwakeError).exitCode).toBe(2);
      expect((refused as KumiwakeError).message).toContain('where.mails[0]: there is no mail "M3"');
      expect((await count({ kind: 'age', min: 20 }, true)).count).toBe(3);
    });
  });
}

describe('warnings of an export', () => {
  it('come with the result; under strict nothing is written', async () => {
    const { mkdtempSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/kumiwake-warnings-`);
    const shop = await openWorkspace({ db: ':memory:' });
    try {
      await shop.import({ table: 'customers', files: [`${SHOP}customers.csv`] });
      const definition = { where: { kind: 'tags', tags: ['vipp'] } };
      const written = await shop.export({ definition }, { out: `${dir}/a.csv`, asOf: AS_OF });
      expect(written.warnings.map((w) => w.code)).toEqual(['unknown-tag']);
      await expect(shop.export({ definition }, { out: `${dir}/b.csv`, asOf: AS_OF, strict: true })).rejects.toMatchObject({ code: 'strict-warnings' });
      expect(existsSync(`${dir}/b.csv`)).toBe(false);
    } finally {
      await shop.close();
    }
  });
});

describe('warnings about the data itself', () => {
  it('says so when the customers table is empty', async () => {
    const empty = await openWorkspace({ db: ':memory:' });
    try {
      const result = await empty.count({ definition: { where: { kind: 'age', min: 20 } } }, { asOf: AS_OF });
      expect(result.count).toBe(0);
      expect(result.warnings.map((w) => `${w.code} ${w.path}`)).toEqual(['no-customers (top level)']);
    } finally {
      await empty.close();
    }
  });
});

describe('an empty value in a list is the "unselected"', () => {
  let shop: Workspace;
  beforeAll(async () => {
    shop = await openWorkspace({ db: ':memory:' });
    await shop.import({ table: 'customers', files: [`${SHOP}customers.csv`] });
  });
  afterAll(() => shop.close());
  const count = async (where: unknown) => (await shop.count({ definition: { where } }, { asOf: AS_OF })).count;

  it('in ["", ...] includes customers without a value and not_in ["", ...] leaves them out', async () => {
    // prefecture: 001 東京都, 002 大阪府, 003 empty, 005 北海道 (004 deleted)
    expect(await count({ kind: 'field', field: 'prefecture', op: 'in', values: ['', '東京都'] })).toBe(2);
    expect(await count({ kind: 'field', field: 'prefecture', op: 'not_in', values: ['', '東京都'] })).toBe(2);
    expect(await count({ kind: 'field', field: 'prefecture', op: 'in', values: [''] })).toBe(1);
    expect(await count({ kind: 'field', field: 'prefecture', op: 'not_in', values: [' '] })).toBe(3);
    // name has no value dictionary: folded row by row
    expect(await count({ kind: 'field', field: 'name', op: 'in', values: ['', 'ﾔﾏﾀﾞ ﾊﾅｺ'] })).toBe(1);
    // an attribute group never imported is unselected for everyone
    expect(await count({ kind: 'field', field: 'attr:会員ランク', op: 'in', values: ['', 'プラチナ'] })).toBe(4);
    expect(await count({ kind: 'field', field: 'attr:会員ランク', op: 'not_in', values: ['', 'プラチナ'] })).toBe(0);
  });
});

describe('names compared folded in small catalogs', () => {
  it('warns of a mail subkind no mail has beside one it has, folded as the filter compares', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/kumiwake-subkinds-`);
    writeFileSync(`${dir}/mails.csv`, 'mail_id,kind,subkind,subject,sent_at\nA1,auto,フォロー,ご購入ありがとう,2025-03-01 10:00\nA2,auto,誕生日,お誕生日,2025-03-02 10:00\n');
    const shop = await openWorkspace({ db: ':memory:' });
    try {
      await shop.import({ table: 'customers', files: [`${SHOP}customers.csv`] });
      await shop.import({ table: 'mails', files: [`${dir}/mails.csv`] });
      // A typo beside a good subkind selects A1 only: no filter that selects nothing, yet not what was meant.
      const result = await shop.count({ definition: { where: { not: { kind: 'mail', event: 'open', mailFilter: { subkinds: ['ﾌｫﾛｰ', '誕生目'] } } } } }, { asOf: AS_OF });
      expect(result.warnings).toEqual([{ code: 'value-never-occurs', path: 'where.not.mailFilter.subkinds[1]', message: 'no mail has subkind "誕生目"', suggestions: ['誕生日'] }]);
    } finally {
      await shop.close();
    }
  });
});
