import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace, type Workspace } from '../../src/index.js';
import { previewImport } from '../../src/api/import-preview.js';

// Cells DuckDB would read as another value: a two-digit year as the year 85, a decimal comma as
// thousands. The import refuses them with the file, the line and the column, and keeps nothing.
describe('values an import would otherwise store as something else', () => {
  let shop: Workspace;
  let dir: string;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kumiwake-misread-'));
    shop = await openWorkspace({ db: ':memory:' });
    await shop.import({ table: 'customers', files: [file('ok.csv', 'customer_id,birthday\n1,1985-04-01\n2,1990/01/02\n')] });
  });
  afterAll(() => shop.close());

  const customers = async () => (await shop.members({ definition: { where: { all: [] } } as never }, { limit: 10 })).rows.length;

  it('refuses a birthday with a two-digit year, naming the line and the column', async () => {
    const path = file('two-digit.csv', 'customer_id,birthday\n3,0001-01-01\n4,85/04/01\n');
    await expect(shop.import({ table: 'customers', files: [path] })).rejects.toThrow(`${path}:3: column birthday: the year has fewer than four digits`);
    expect(await customers()).toBe(2);
    await shop.import({ table: 'customers', files: [file('year-one.csv', 'customer_id,birthday\n3,0001-01-01\n5,００８５／０１／０２\n')] });
    expect(await customers()).toBe(4);
  });

  it('refuses an order time with a two-digit year and an amount with a decimal comma, line by line', async () => {
    const header = 'order_id,customer_id,ordered_at,product_code,amount\n';
    const year = file('year.csv', `${header}O1,1,2024-10-05 10:00,P1,1000\nO2,2,24/10/05 10:00,P1,1000\n`);
    await expect(shop.import({ table: 'purchases', files: [year] })).rejects.toThrow(`${year}:3: column ordered_at: the year has fewer than four digits`);
    const comma = file('comma.csv', `${header}O1,1,2024-10-05 10:00,P1,"1,000"\nO2,2,2024-10-05 10:00,P1,"1234,56"\n`);
    await expect(shop.import({ table: 'purchases', files: [comma] })).rejects.toThrow(`${comma}:3: column amount: cannot read "1234,56" as a number`);
    const exponent = file('exponent.csv', `${header}O1,1,2024-10-05 10:00,P1,1.5E-4\n`);
    await expect(shop.import({ table: 'purchases', files: [exponent] })).rejects.toThrow(`${exponent}:2: column amount: cannot read "1.5E-4"`);
    // DuckDB's cast skips an underscore: "1_2" would be 12.
    const underscore = file('underscore.csv', `${header}O1,1,2024-10-05 10:00,P1,1_2
`);
    await expect(shop.import({ table: 'purchases', files: [underscore] })).rejects.toThrow(`${underscore}:2: column amount: cannot read "1_2"`);
    const fine = file('fine.csv', `${header}O1,1,2024-10-05 10:00,P1,"1,000"\nO2,2,2024/10/05 10:00,P1,1234.56\n`);
    await shop.import({ table: 'purchases', files: [fine] });
    expect((await shop.count({ definition: { where: { kind: 'purchases', sales: { min: 1000, max: 1000 } } } as never })).count).toBe(1);
    expect((await shop.count({ definition: { where: { kind: 'purchases', sales: { min: 1234.56, max: 1234.56 } } } as never })).count).toBe(1);
  });

  it('refuses figures too large to hold: a price times quantity by its line, quantities that add up past a summary by a sentence', async () => {
    const lines = async () => (await shop.tableSizes()).purchases ?? 0;
    const before = await lines();
    const header = 'order_id,line_no,customer_id,ordered_at,product_code,quantity,unit_price\n';
    // a JAN code pasted into the price column: 100 × 4901234567890 is no amount
    const jan = file('jan.csv', `${header}J1,1,1,2025-01-01,P1,1,1000\nJ2,1,1,2025-01-01,P1,100,4901234567890\n`);
    await expect(shop.import({ table: 'purchases', files: [jan] })).rejects.toThrow(`${jan}:3: column unit_price: quantity × unit_price is 100,000,000,000,000 or more`);
    expect(await lines()).toBe(before);
    expect(await shop.import({ table: 'purchases', files: [jan], maxRejects: 1 })).toMatchObject({ rowsLoaded: 1, rowsRejected: 1 });
    expect(await lines()).toBe(before + 1);
    // given, the amount is used and the price is not multiplied
    const priced = file('priced.csv', `order_id,line_no,customer_id,ordered_at,product_code,quantity,unit_price,amount\nJ3,1,1,2025-01-01,P1,100,4901234567890,1000\n`);
    await shop.import({ table: 'purchases', files: [priced] });
    expect(await lines()).toBe(before + 2);

    const huge = file('huge.csv', 'order_id,line_no,customer_id,ordered_at,product_code,quantity,amount\nB1,1,2,2025-01-01,P9,9000000000000000000,1\nB2,1,2,2025-01-02,P9,9000000000000000000,1\n');
    await expect(shop.import({ table: 'purchases', files: [huge] })).rejects.toMatchObject({ code: 'sum-too-large', message: expect.stringContaining('add up to more than 9,223,372,036,854,775,807') });
    expect(await lines()).toBe(before + 2);
  });

  it('refuses a UTF-16 file (Excel\'s "Unicode text") by name, before reading it as anything else', async () => {
    for (const [name, bytes] of [['le.txt', Buffer.from('\ufeffcustomer_id\tname\r\n9\t山田\r\n', 'utf16le')], ['be.txt', Buffer.from([0xfe, 0xff, 0, 0x63])]] as const) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      await expect(shop.import({ table: 'customers', files: [path], delimiter: '\t' })).rejects.toThrow(`${path}: the file is UTF-16`);
      await expect(previewImport(path, 'customers', { delimiter: '\t' })).rejects.toThrow('save it as "CSV UTF-8"');
    }
    expect(await customers()).toBe(4);
  });

  it('refuses the words DuckDB reads as times (epoch, infinity, a year of five digits, BC), and keeps the day of a date written at 24:00', async () => {
    const before = await customers();
    for (const [column, value] of [['birthday', 'epoch'], ['birthday', 'infinity'], ['registered_at', '-infinity'], ['registered_at', 'inf'],
      ['birthday', '12024-01-05'], ['points_expire_at', '2024-01-05 (BC)'], ['registered_at', '-202-01-05 10:00:00']] as const) {
      const path = file(`word-${column}.csv`, `customer_id,${column}\n20,1990-01-01\n21,${value}\n`);
      await expect(shop.import({ table: 'customers', files: [path] }), value).rejects.toThrow(`${path}:3: column ${column}: cannot read "${value}" as a`);
    }
    expect(await customers()).toBe(before);
    // A points expiry "to the end of 2024/12/31" is that day; as a time it is the next day's 00:00.
    await shop.import({ table: 'customers', files: [file('midnight.csv', 'customer_id,points_expire_at,birthday,registered_at\n22,2024/12/31 24:00,1985-01-05 24:00:00,2024-12-31 24:00\n')] });
    const fields = Object.fromEntries((await shop.customer('22', { asOf: '2025-06-01' })).record.map((f) => [f.column, f.value]));
    expect([fields.points_expire_at, fields.birthday, fields.registered_at]).toEqual(['2024-12-31', '1985-01-05', '2025-01-01 00:00:00']);
  });

  it('refuses a first group of thousands starting with 0, and reads the yen sign of a CP932 file (the backslash byte)', async () => {
    const header = 'order_id,customer_id,ordered_at,product_code,amount\n';
    for (const amount of ['0,123', '001,200']) {
      const path = file('zero-group.csv', `${header}Z1,1,2024-10-05 10:00,P1,"${amount}"\n`);
      await expect(shop.import({ table: 'purchases', files: [path] }), amount).rejects.toThrow(`${path}:2: column amount: cannot read "${amount}" as a number`);
    }
    await shop.import({ table: 'purchases', files: [file('yen.csv', `${header}Y1,2,2024-10-06 10:00,P1,"\\1,200"\n`)] });
    expect((await shop.count({ definition: { where: { kind: 'purchases', window: { from: '2024-10-06', to: '2024-10-06' }, sales: { min: 1200, max: 1200 } } } as never })).count).toBe(1);
  });

  it('reads the spellings of the seed manuals: LTV-Lab\'s スマホ区分 and DM配信, and cancelled orders written ｷｬﾝｾﾙ or キャンセル済み', async () => {
    await shop.import({ table: 'customers', files: [file('ltv.csv', 'customer_id,スマホ区分,DM配信\n31,スマホ,DM許可\n32,スマホ以外,DM拒否\n33,,テスト配信対象\n')] });
    const record = async (id: string) => Object.fromEntries((await shop.customer(id, { asOf: '2025-06-01' })).record.map((f) => [f.column, f.value]));
    expect([(await record('31')).is_smartphone, (await record('31')).dm_permission]).toEqual([true, 'allowed']);
    expect([(await record('32')).is_smartphone, (await record('32')).dm_permission]).toEqual([false, 'refused']);
    expect((await record('33')).dm_permission).toBe('test');
    const lines = file('cancelled.csv', 'order_id,customer_id,ordered_at,product_code,amount,status\nK1,31,2025-01-05,P1,100,ｷｬﾝｾﾙ\nK2,31,2025-01-06,P1,100,キャンセル済み\nK3,31,2025-01-07,P1,100,取消済\nK4,32,2025-01-08,P1,100,発送済み\n');
    await shop.import({ table: 'purchases', files: [lines] });
    const buyers = (statuses?: string[]) => shop.count({ definition: { where: { kind: 'purchases', orderCount: { min: 1 }, window: { from: '2025-01-05', to: '2025-01-08' }, ...(statuses ? { statuses } : {}) } } as never });
    expect((await buyers()).count).toBe(1); // 32 alone: 31's three orders are cancelled
    expect((await buyers(['cancelled'])).count).toBe(1);
    expect((await buyers(['キャンセル済み'])).count).toBe(1);
  });

  it('says a cell is no integer without the note on fractions unless it is a fraction', async () => {
    const yen = file('points-yen.csv', 'customer_id,points\n40,1200円\n');
    const refused = (await shop.import({ table: 'customers', files: [yen] }).catch((e: unknown) => e)) as Error;
    expect(refused.message).toBe(`${yen}:2: column points: cannot read "1200円" as an integer`);
    const half = file('points-half.csv', 'customer_id,points\n40,2.5\n');
    await expect(shop.import({ table: 'customers', files: [half] })).rejects.toThrow(`${half}:2: column points: cannot read "2.5" as an integer (a whole number: fractions are not rounded)`);
  });
});
