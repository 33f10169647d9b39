import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { importShop, parseCsv, query, runCli, tempDir, writeCsv } from '../helpers/cli.js';

const AS_OF = '2025-03-31';
const BOM = '\uFEFF';

/**
 * kumiwake export on test/fixtures/shop (4 visible customers; 004 is deleted). Lifetime figures
 * worked out by hand: 001 has orders O1 (1,500) and O2 (3,000); 002's only orders are cancelled or
 * not counted; 003 has O5 and O6 at the same time (2,100); 005 never ordered.
 */
describe('kumiwake export', () => {
  let dir: string;
  let db: string;
  let everyone: string;
  beforeAll(() => {
    dir = tempDir();
    db = importShop(dir);
    everyone = join(dir, 'everyone.json');
    writeFileSync(everyone, JSON.stringify({ version: 1, name: 'everyone' }));
  });
  const exportTo = (file: string, ...args: string[]) => runCli(['export', everyone, '--db', db, '--as-of', AS_OF, '--out', join(dir, file), '--json', ...args]);
  const columns = ['--columns', 'customer_id,name,order_count,total_sales,first_ordered_at,last_ordered_at'];
  /** Imports `customersCsv` into a database of its own (NAME.duckdb) and exports everyone to NAME-out.csv. */
  const exportOwnCustomers = (name: string, customersCsv: string, ...args: string[]) => {
    const ownDb = join(dir, `${name}.duckdb`);
    writeCsv(join(dir, `${name}.csv`), customersCsv);
    expect(runCli(['import', 'customers', join(dir, `${name}.csv`), '--db', ownDb]).code).toBe(0);
    const r = runCli(['export', everyone, '--db', ownDb, '--out', join(dir, `${name}-out.csv`), ...args]);
    expect(r.code, r.stderr).toBe(0);
    return r;
  };

  it('writes CSV as UTF-8 with a BOM by default, CRLF lines, ids with their leading zeros and the lifetime figures', () => {
    const r = exportTo('list.csv', ...columns);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ count: 4, files: [join(dir, 'list.csv')], asOf: AS_OF });
    const text = readFileSync(join(dir, 'list.csv'), 'utf8');
    expect(text.startsWith(BOM)).toBe(true);
    expect(text.split('\r\n')).toHaveLength(6); // header, 4 customers, and the final line end
    expect(parseCsv(text.slice(1))).toEqual([
      ['customer_id', 'name', 'order_count', 'total_sales', 'first_ordered_at', 'last_ordered_at'],
      ['001', 'ﾔﾏﾀﾞ ﾊﾅｺ', '2', '4500', '2024-09-30 10:00:00', '2025-03-30 23:59:59'],
      ['002', '山田 太郎', '0', '0', '', ''],
      ['003', '佐藤', '2', '2100', '2024-12-31 10:00:00', '2024-12-31 10:00:00'],
      ['005', 'No Purchases', '0', '0', '', ''],
    ]);
  });

  it('writes plain UTF-8 and CP932 on request, and the Japanese labels with --headers ja', () => {
    expect(exportTo('plain.csv', ...columns, '--encoding', 'utf-8').code).toBe(0);
    const plain = readFileSync(join(dir, 'plain.csv'));
    expect(plain.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(exportTo('sjis.csv', ...columns, '--encoding', 'cp932', '--headers', 'ja').code).toBe(0);
    const sjis = readFileSync(join(dir, 'sjis.csv'));
    expect(sjis.includes(Buffer.from('山田', 'utf8'))).toBe(false);
    expect(sjis.includes(iconv.encode('山田 太郎', 'cp932'))).toBe(true);
    const rows = parseCsv(iconv.decode(sjis, 'cp932'));
    expect(rows[0]).toEqual(['会員番号', '氏名', '購入回数', '累計購入金額', '初回購入日時', '最終購入日時']);
    expect(rows.slice(1)).toEqual(parseCsv(plain.toString('utf8')).slice(1));
  });

  it('quotes commas, quotes and line breaks per RFC 4180', () => {
    exportOwnCustomers('odd', 'customer_id,name,address\n0007,"Doe, ""Jane""","line 1\nline 2"\n0008,plain,\n', '--columns', 'customer_id,name,address', '--encoding', 'utf-8');
    const text = readFileSync(join(dir, 'odd-out.csv'), 'utf8');
    expect(text).toContain('"Doe, ""Jane"""');
    expect(parseCsv(text)).toEqual([['customer_id', 'name', 'address'], ['0007', 'Doe, "Jane"', 'line 1\nline 2'], ['0008', 'plain', '']]);
  });

  it('writes CP932 with "?" for characters it cannot hold, and says which and in which rows', () => {
    const r = exportOwnCustomers('emoji', 'customer_id,name\n1,髙橋 🍣\n', '--columns', 'customer_id,name', '--encoding', 'cp932');
    expect(iconv.decode(readFileSync(join(dir, 'emoji-out.csv')), 'cp932')).toBe('customer_id,name\r\n1,髙橋 ?\r\n');
    expect(r.stdout).toContain('warning: 1 character CP932 cannot hold was written as "?":\n  🍣 U+1F363 ×1 in row 2\n');
    expect(r.stderr).toMatch(/"characters":1,.*CP932 cannot hold/);
  });

  it('writes Excel: text ids, real dates, numbers, a frozen header row and fitted widths', async () => {
    const r = exportTo('list.xlsx', ...columns, '--headers', 'ja');
    expect(r.code, r.stderr).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(dir, 'list.xlsx'));
    expect(book.worksheets.map((s) => s.name)).toEqual(['customers']);
    const sheet = book.worksheets[0]!;
    expect(sheet.rowCount).toBe(5);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).values).toEqual([undefined, '会員番号', '氏名', '購入回数', '累計購入金額', '初回購入日時', '最終購入日時']);
    const first = sheet.getRow(2);
    expect(first.getCell(1).value).toBe('001');
    expect(first.getCell(1).numFmt).toBe('@');
    expect(first.getCell(3).value).toBe(2);
    expect(first.getCell(4).value).toBe(4500);
    expect(first.getCell(5).value).toEqual(new Date('2024-09-30T10:00:00Z')); // Excel dates carry no zone: the local wall clock
    expect(first.getCell(5).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(sheet.getRow(3).getCell(5).value).toBeNull();
    expect(sheet.getColumn(1).width).toBeGreaterThanOrEqual(8); // 会員番号 is 8 columns wide
    expect(sheet.getColumn(5).width).toBeGreaterThanOrEqual(19);
  });

  it('continues a list that overflows a sheet on further sheets, each with its header', async () => {
    const r = runCli(['export', everyone, '--db', db, '--as-of', AS_OF, '--out', join(dir, 'split.xlsx'), '--columns', 'customer_id'], { KUMIWAKE_XLSX_ROWS_PER_SHEET: '3' });
    expect(r.code, r.stderr).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(dir, 'split.xlsx'));
    expect(book.worksheets.map((s) => [s.name, s.rowCount])).toEqual([['customers', 4], ['customers 2', 2]]);
    expect(book.worksheets.flatMap((s) => s.getColumn(1).values.slice(2))).toEqual(['001', '002', '003', '005']);
    expect(book.worksheets[1]!.getRow(1).getCell(1).value).toBe('customer_id');
  });

  it('writes Parquet with native types and Arrow IPC that apache-arrow reads', async () => {
    const cols = ['--columns', 'customer_id,total_sales,tags,birthday,last_ordered_at'];
    expect(exportTo('list.parquet', ...cols).code).toBe(0);
    const rows = await query(join(dir, 'shop.duckdb'), `SELECT customer_id, total_sales::DOUBLE AS sales, tags, birthday::VARCHAR AS birthday, typeof(total_sales) AS t FROM read_parquet('${join(dir, 'list.parquet')}')`);
    expect(rows[0]).toEqual({ customer_id: '001', sales: 4500, tags: ['vip', 'newsletter'], birthday: '1990-02-28', t: 'DECIMAL(38,4)' });
    expect(rows.map((r) => r.customer_id)).toEqual(['001', '002', '003', '005']);

    expect(exportTo('list.arrow', ...cols).code).toBe(0);
    const table = tableFromIPC(readFileSync(join(dir, 'list.arrow')));
    expect(table.numRows).toBe(4);
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'customer_id:Utf8', 'total_sales:Float64', 'tags:List<Utf8>', 'birthday:Date32<DAY>', 'last_ordered_at:Timestamp<MILLISECOND>',
    ]);
    const first = table.get(0)!.toJSON();
    expect(first.customer_id).toBe('001');
    expect(first.total_sales).toBe(4500);
    expect(first.last_ordered_at).toBe(Date.UTC(2025, 2, 30, 23, 59, 59));
  });

  it('writes an empty list as a file with its header only', async () => {
    const none = join(dir, 'none.json');
    writeFileSync(none, JSON.stringify({ version: 1, where: { kind: 'field', field: 'customer_id', op: 'eq', value: 'nobody' } }));
    for (const ext of ['csv', 'xlsx', 'parquet', 'arrow']) {
      const r = runCli(['export', none, '--db', db, '--out', join(dir, `none.${ext}`), '--columns', 'customer_id,order_count', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).count).toBe(0);
    }
    expect(readFileSync(join(dir, 'none.csv'), 'utf8')).toBe(`${BOM}customer_id,order_count\r\n`);
    expect(tableFromIPC(readFileSync(join(dir, 'none.arrow'))).schema.fields.map((f) => f.name)).toEqual(['customer_id', 'order_count']);
  });

  it('refuses unknown columns, an encoding for a non-CSV format and an invalid definition, writing nothing', () => {
    const out = join(dir, 'refused');
    mkdirSync(out);
    let r = runCli(['export', everyone, '--db', db, '--out', join(out, 'a.csv'), '--columns', 'customer_id,shoe_size']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--columns\[1\]: unknown column "shoe_size"; known: customer_id,/);
    r = runCli(['export', everyone, '--db', db, '--out', join(out, 'a.xlsx'), '--encoding', 'cp932']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('an encoding applies to CSV outputs only, not to xlsx');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: 1, where: { all: [{ kind: 'age', min: 'old' }] } }));
    r = runCli(['export', bad, '--db', db, '--out', join(out, 'b.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('where.all[0].min: min must be a number');
    expect(readdirSync(out)).toEqual([]);
  });

  it('never overwrites the database or its own definition file', async () => {
    const before = await query(db, 'SELECT count(*)::INT AS n FROM customers');
    let r = runCli(['export', everyone, '--db', db, '--out', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('an input of this command');
    r = runCli(['export', everyone, '--db', db, '--out', everyone, '--format', 'csv']);
    expect(r.code).toBe(2);
    expect(JSON.parse(readFileSync(everyone, 'utf8'))).toEqual({ version: 1, name: 'everyone' });
    expect(await query(db, 'SELECT count(*)::INT AS n FROM customers')).toEqual(before);
  });

  it('refuses a folder as the file to write (exit 2, naming it), leaving no temp file and the earlier files in place', () => {
    const target = join(dir, 'keep.csv');
    writeFileSync(target, 'earlier list\n');
    const blocked = join(dir, 'blocked.csv');
    mkdirSync(blocked);
    const r = runCli(['export', everyone, '--db', db, '--out', blocked]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`kumiwake: ${blocked}: is a folder, not a file`);
    expect(r.stderr).not.toMatch(/internal error|\.kumiwake-/);
    expect(readdirSync(dir).filter((f) => f.includes('.kumiwake-'))).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe('earlier list\n');
    expect(readdirSync(blocked)).toEqual([]);
  });
});
